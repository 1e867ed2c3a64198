"""Review of pending changes: each role × action, allowed and refused by forged POST; the diff;
the preview; the emails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from policyhub.editorial.models import PendingChange, ReviewComment
from policyhub.editorial.pending import pending_for
from tests.admin_forms import change_form_data
from tests.factories import PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

LONG_BODY = "".join(f"<p>Paragraph {n} says the same careful thing.</p>" for n in range(60))


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def pending_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_pending", args=[obj.pk])


def propose(client, obj, button="_continue", **changes):
    url, data = change_form_data(client, obj)
    data.update(changes)
    data[button] = "1"
    return client.post(url, data)


def act(client, obj, action, **extra):
    pending = pending_for(obj)
    data = {"action": action, "token": pending.token if pending else "", **extra}
    return client.post(pending_url(obj), data)


@pytest.fixture
def people(contributor, editor):
    contributor.email, editor.email = "contributor@example.org", "editor@example.org"
    contributor.save()
    editor.save()
    return logged_in(contributor), logged_in(editor)


def test_a_contributor_drafts_and_submits_changes_to_live_content(people, editor):
    contributor_client, _ = people
    publication = PublicationFactory(title="Live title")

    response = propose(contributor_client, publication, "_submit_changes", title="Proposed")

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Live title"
    pending = pending_for(publication)
    assert pending.state == PendingChange.State.REVIEW
    assert pending.author.username == "contributor"


@pytest.mark.parametrize("button", ["_publish_changes"])
def test_a_contributor_cannot_publish_changes_by_forged_post(people, button):
    contributor_client, _ = people
    publication = PublicationFactory(title="Live title")

    response = propose(contributor_client, publication, button, title="Forged")

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Live title"
    assert pending_for(publication) is None


def test_a_contributor_cannot_schedule_through_the_pending_form(people):
    contributor_client, _ = people
    publication = PublicationFactory(title="Live title")
    url, data = change_form_data(contributor_client, publication)
    data.update({"title": "Forged", "published_at_0": "2099-01-01", "published_at_1": "10:00"})

    response = contributor_client.post(url, data)

    assert response.status_code == 200
    assert pending_for(publication) is None


@pytest.mark.parametrize("action", ["publish", "schedule", "reject", "discard", "bogus"])
def test_contributors_cannot_take_editor_actions(people, contributor, action):
    contributor_client, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, "_submit_changes", title="Editor's change")

    response = act(
        contributor_client, publication, action, comment="no", go_live_at="2099-01-01T10:00"
    )

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Live title"
    pending = pending_for(publication)
    assert pending.state == PendingChange.State.REVIEW
    assert pending.go_live_at is None
    assert not ReviewComment.objects.exists()


def test_an_editor_approves_submitted_changes(people, django_capture_on_commit_callbacks):
    contributor_client, editor_client = people
    publication = PublicationFactory(title="Live title", tags=["old"])
    propose(contributor_client, publication, "_submit_changes", title="Approved", tags="new")
    revisions, changes = publication.history.count(), publication.state_changes.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = act(editor_client, publication, "publish", comment="Good catch.")

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Approved"
    assert list(publication.tags.names()) == ["new"]
    assert publication.history.count() == revisions + 1
    assert publication.state_changes.count() == changes + 1
    assert pending_for(publication) is None
    assert publication.review_comments.get().action == "Approved"
    assert [m.to for m in mail.outbox] == [["contributor@example.org"]]
    assert "approved and published" in mail.outbox[0].subject
    assert f"http://testserver{pending_url(publication)}" in mail.outbox[0].body


def test_an_editor_rejects_with_a_comment_kept_and_shown(
    people, django_capture_on_commit_callbacks
):
    contributor_client, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(contributor_client, publication, "_submit_changes", title="Rejected idea")
    assert act(editor_client, publication, "reject").status_code == 302
    assert pending_for(publication).state == PendingChange.State.REVIEW  # no comment, refused

    with django_capture_on_commit_callbacks(execute=True):
        act(editor_client, publication, "reject", comment="Cite the source first.")

    pending = pending_for(publication)
    assert pending.state == PendingChange.State.REJECTED
    publication.refresh_from_db()
    assert publication.title == "Live title"
    page = contributor_client.get(pending_url(publication)).content.decode()
    assert "Cite the source first." in page
    form_url = reverse("admin:publications_publication_change", args=[publication.pk])
    assert "Cite the source first." in contributor_client.get(form_url).content.decode()
    assert mail.outbox[-1].to == ["contributor@example.org"]
    assert "Cite the source first." in mail.outbox[-1].body
    # Back with its author, who can submit again.
    assert act(contributor_client, publication, "submit").status_code == 302
    assert pending_for(publication).state == PendingChange.State.REVIEW


def test_submitting_emails_the_editors_with_the_link(
    people, editor, django_capture_on_commit_callbacks
):
    contributor_client, _ = people
    option = PolicyOptionFactory(title="Live option")

    with django_capture_on_commit_callbacks(execute=True):
        propose(contributor_client, option, "_submit_changes", title="Better option")

    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    assert f"http://testserver{pending_url(option)}" in mail.outbox[0].body


def test_a_mail_server_that_is_down_does_not_break_the_save(
    people, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    contributor_client, _ = people
    publication = PublicationFactory(title="Live title")

    with django_capture_on_commit_callbacks(execute=True):
        response = propose(contributor_client, publication, "_submit_changes", title="Saved")

    assert response.status_code == 302
    assert pending_for(publication).fields["title"] == "Saved"
    assert "Could not send" in caplog.text


def test_an_editor_discards_changes(people):
    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="Second thoughts")

    act(editor_client, publication, "discard")

    assert pending_for(publication) is None
    publication.refresh_from_db()
    assert publication.title == "Live title"


def test_an_editor_publishes_own_changes_from_the_form(people):
    _, editor_client = people
    publication = PublicationFactory(title="Live title")

    response = propose(editor_client, publication, "_publish_changes", title="Straight live")

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Straight live"
    assert pending_for(publication) is None


def test_an_action_on_a_version_saved_again_since_is_refused(people):
    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="First")
    stale = pending_for(publication).token
    propose(editor_client, publication, title="Second")

    editor_client.post(pending_url(publication), {"action": "publish", "token": stale})

    publication.refresh_from_db()
    assert publication.title == "Live title"


def test_the_diff_shows_a_change_at_the_end_of_a_long_body(people):
    _, editor_client = people
    publication = PublicationFactory(title="Live title", body=LONG_BODY)
    changed = LONG_BODY.replace("Paragraph 59 says", "Paragraph 59 now says")
    propose(editor_client, publication, body=changed)

    html = editor_client.get(pending_url(publication)).content.decode()

    assert "<ins>now </ins>" in html or "<ins>now</ins>" in html
    assert "Paragraph 58" in html  # context around the change
    assert "Paragraph 5 says" not in html  # the unchanged start is left out


def test_the_history_diff_compares_the_whole_body(admin_client):
    publication = PublicationFactory(title="Live title", body=LONG_BODY)
    publication.body = LONG_BODY.replace("Paragraph 59 says", "Paragraph 59 now says")
    publication.save()
    url = reverse("admin:publications_publication_history", args=[publication.pk])

    html = admin_client.get(url).content.decode()

    assert "<ins>now </ins>" in html or "<ins>now</ins>" in html


def test_the_pending_version_can_be_previewed_never_cached(people, client):
    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="Previewed pending title")
    url = reverse("publications:preview", args=[publication.pk]) + "?version=pending"

    response = editor_client.get(url)

    html = response.content.decode()
    assert "Previewed pending title" in html
    assert "changes not yet live" in html
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert client.get(url).status_code == 404
    assert (
        "Previewed pending title" not in client.get(publication.get_absolute_url()).content.decode()
    )
    publication.refresh_from_db()
    assert publication.title == "Live title"


def test_scheduling_needs_a_future_time(people):
    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="Later")
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")

    act(editor_client, publication, "schedule", go_live_at=past)

    assert pending_for(publication).state == PendingChange.State.DRAFT


def test_scheduled_changes_replace_the_live_version_at_their_time(people, client):
    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="Scheduled title")
    soon = timezone.localtime() + timedelta(hours=1)
    act(editor_client, publication, "schedule", go_live_at=soon.strftime("%Y-%m-%dT%H:%M"))
    assert pending_for(publication).state == PendingChange.State.SCHEDULED
    page = publication.get_absolute_url()
    assert "Scheduled title" not in client.get(page).content.decode()

    # Time travel: no cron, the first request after the time publishes them.
    later = timezone.now() + timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        html = client.get(page).content.decode()

    assert "Scheduled title" in html
    assert pending_for(publication) is None
    publication.refresh_from_db()
    assert publication.title == "Scheduled title"


def test_restoring_a_revision_of_live_content_makes_pending_changes(people, editor):
    _, editor_client = people
    publication = PublicationFactory(title="Original")
    original = publication.history.latest("history_id")
    publication.title = "Current"
    publication.save()
    url = reverse(
        "admin:publications_publication_restore", args=[publication.pk, original.history_id]
    )

    response = editor_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == pending_url(publication)
    publication.refresh_from_db()
    assert publication.title == "Current"
    assert pending_for(publication).fields["title"] == "Original"
    html = editor_client.get(pending_url(publication)).content.decode()
    assert "<del>Current</del> → <ins>Original</ins>" in html


def test_a_cold_cache_finds_scheduled_changes_in_the_database(people, client):
    from django.core.cache import cache

    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="Scheduled title")
    soon = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    act(editor_client, publication, "schedule", go_live_at=soon)
    cache.clear()  # a restarted or flushed cache server

    later = timezone.now() + timedelta(hours=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        html = client.get(publication.get_absolute_url()).content.decode()

    assert "Scheduled title" in html


def test_scheduled_changes_that_cannot_be_published_go_back_to_review(people, client):
    from policyhub.editorial.cache import schedule_changed
    from policyhub.editorial.pending import publish_due

    _, editor_client = people
    publication = PublicationFactory(title="Live title")
    propose(editor_client, publication, title="Doomed")
    pending = pending_for(publication)
    PendingChange.objects.filter(pk=pending.pk).update(
        state=PendingChange.State.SCHEDULED,
        go_live_at=timezone.now() - timedelta(minutes=1),
        fields={**pending.fields, "published_at": "not a time"},
    )
    schedule_changed()  # update() sends no signal

    assert publish_due() == 0
    assert client.get(publication.get_absolute_url()).status_code == 200
    pending = pending_for(publication)
    assert pending.state == PendingChange.State.REVIEW
    assert publication.review_comments.get().action == "Scheduled publishing failed"
