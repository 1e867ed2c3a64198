"""Restoring a revision first shows what it would change and asks for confirmation; only the
confirming POST restores (or, for live content, makes the revision its pending changes)."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from policyhub.editorial.pending import pending_for
from tests.factories import PublicationFactory
from tests.policyhub.editorial.test_pending_review import logged_in, propose

pytestmark = pytest.mark.django_db


def restore_url(obj, revision):
    return reverse("admin:publications_publication_restore", args=[obj.pk, revision.history_id])


def retitled(title, **kwargs):
    publication = PublicationFactory(title="Original", **kwargs)
    original = publication.history.latest("history_id")
    publication.title = title
    publication.save()
    return publication, original


def test_the_history_links_to_the_confirmation_instead_of_restoring(admin_client):
    publication, original = retitled("Current")
    url = reverse("admin:publications_publication_history", args=[publication.pk])

    html = admin_client.get(url).content.decode()

    assert f'href="{restore_url(publication, original)}"' in html
    assert f'action="{restore_url(publication, original)}"' not in html


def test_the_confirmation_shows_what_will_change_on_live_content_and_changes_nothing(
    admin_client,
):
    publication, original = retitled("Current")
    revisions = publication.history.count()

    response = admin_client.get(restore_url(publication, original))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>Current</del> → <ins>Original</ins>" in html
    assert "pending changes" in html
    assert 'method="post"' in html
    publication.refresh_from_db()
    assert publication.title == "Current"
    assert pending_for(publication) is None
    assert publication.history.count() == revisions


def test_confirming_makes_the_pending_changes(admin_client):
    publication, original = retitled("Current")

    response = admin_client.post(restore_url(publication, original))

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Current"
    assert pending_for(publication).fields["title"] == "Original"


def test_the_confirmation_says_which_pending_changes_it_would_replace(editor):
    editor_client = logged_in(editor)
    publication, original = retitled("Current")
    propose(editor_client, publication, title="Proposed")

    html = editor_client.get(restore_url(publication, original)).content.decode()

    assert "It replaces the pending changes saved by" in html
    assert pending_for(publication).fields["title"] == "Proposed"


def test_a_draft_is_restored_only_once_confirmed(admin_client):
    publication, original = retitled("Current", status="draft")

    html = admin_client.get(restore_url(publication, original)).content.decode()
    publication.refresh_from_db()
    assert "<del>Current</del> → <ins>Original</ins>" in html
    assert "Restoring changes the item now" in html
    assert publication.title == "Current"

    admin_client.post(restore_url(publication, original))
    publication.refresh_from_db()
    assert publication.title == "Original"


def test_a_viewer_cannot_open_the_confirmation(client):
    publication, original = retitled("Current")
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(viewer)

    assert client.get(restore_url(publication, original)).status_code == 403
