"""Review emails through a real SMTP server on 127.0.0.1 (aiosmtpd), and through one that
accepts the connection but never answers."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from policyhub.editorial.pending import pending_for
from tests.factories import PublicationFactory
from tests.policyhub.editorial.test_pending_review import logged_in, pending_url, propose

pytestmark = pytest.mark.django_db


class Inbox(Sink):
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


@pytest.fixture
def people(contributor, editor):
    contributor.email, editor.email = "contributor@example.org", "editor@example.org"
    contributor.save()
    editor.save()
    return logged_in(contributor), logged_in(editor)


def test_a_submission_reaches_the_editors_through_smtp(
    smtp_server, people, django_capture_on_commit_callbacks
):
    contributor_client, _ = people
    publication = PublicationFactory(title="Live title")

    with django_capture_on_commit_callbacks(execute=True):
        propose(contributor_client, publication, "_submit_changes", title="Through SMTP")

    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["editor@example.org"]
    body = envelope.content.decode()
    assert f"http://testserver{pending_url(publication)}" in body


def test_a_server_that_hangs_costs_the_timeout_not_the_save(
    settings, people, django_capture_on_commit_callbacks, caplog
):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never greets
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
    settings.EMAIL_TIMEOUT = 1
    contributor_client, _ = people
    publication = PublicationFactory(title="Live title")
    started = time.monotonic()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = propose(contributor_client, publication, "_submit_changes", title="Kept")
    finally:
        silent.close()

    assert response.status_code == 302
    assert time.monotonic() - started < 10
    assert pending_for(publication).fields["title"] == "Kept"
    assert "Could not send" in caplog.text
