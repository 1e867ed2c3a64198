"""Admin login throttling (django-axes): five wrong passwords for one username from one address
lock that pair out for the cool-off, with a clear 429 page; other addresses and other usernames
are unaffected; the address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many proxies to
believe."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.manage_command import run_manage

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_staff=True
    )


def log_in(password, username="editor", address="198.51.100.7", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )
    return response


def fail(times, **kwargs):
    return [log_in("wrong password", **kwargs).status_code for _ in range(times)]


def test_four_failures_still_allow_the_right_password(editor):
    assert fail(4) == [200, 200, 200, 200]

    response = log_in(PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_fifth_failure_locks_the_username_at_that_address(editor):
    statuses = fail(5)

    assert statuses == [200, 200, 200, 200, 429]
    # Locked: even the right password is refused now, with the lockout page, not a 500.
    response = log_in(PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in html
    assert "paused for 30 minutes" in html
    assert response["Retry-After"] == str(30 * 60)
    assert response["Content-Security-Policy"]


def test_the_lockout_is_per_username_and_address(editor, django_user_model):
    django_user_model.objects.create_user("other", "other@example.org", PASSWORD, is_staff=True)
    fail(5)

    # The same account from another address, and another account from the same address.
    assert log_in(PASSWORD, address="203.0.113.9").status_code == 302
    assert log_in(PASSWORD, username="other").status_code == 302
    assert log_in(PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(editor, settings):
    fail(5)
    assert log_in(PASSWORD).status_code == 429

    # As if the cool-off had passed.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31)
    )

    assert log_in(PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(editor):
    # Without a proxy, X-Forwarded-For is whatever the client writes: a fresh value per try
    # must not buy fresh attempts.
    statuses = [log_in("wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(6)]

    assert statuses[-2:] == [429, 429]


def test_behind_a_trusted_proxy_each_client_address_counts_separately(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "127.0.0.1"
    fail(5, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")

    # Another reader behind the same proxy is not locked out by the first one's failures...
    assert log_in(PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302
    # ...and the first one is, whatever they prepend to the header themselves.
    spoofed = log_in(PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert spoofed.status_code == 429


def test_cool_off_comes_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.AXES_COOLOFF_TIME.total_seconds())",
        AXES_COOLOFF="5",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "300.0"


def test_a_new_user_agent_per_try_buys_no_fresh_attempts(editor):
    statuses = [log_in("wrong", HTTP_USER_AGENT=f"Browser/{n}").status_code for n in range(6)]

    assert statuses[-2:] == [429, 429]
