"""A live item's publish time as part of its pending changes: corrected with the rest, never moved
into the future (which would take the page away from readers)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from policyhub.editorial.pending import pending_for
from tests.factories import PublicationFactory
from tests.policyhub.editorial.test_pending_review import act, logged_in, pending_url, propose

pytestmark = pytest.mark.django_db


def split(moment):
    local = timezone.localtime(moment)
    return {"published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M")}


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


def test_a_corrected_publish_time_waits_with_the_pending_changes(editor_client, client):
    live_at = timezone.now() - timedelta(days=2)
    publication = PublicationFactory(title="Live title", published_at=live_at)
    earlier = (timezone.now() - timedelta(days=30)).replace(second=0, microsecond=0)

    response = propose(editor_client, publication, title="New title", **split(earlier))

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.published_at == live_at
    html = editor_client.get(pending_url(publication)).content.decode()
    assert "publish" in html.lower() and timezone.localtime(earlier).strftime("%Y-%m-%d") in html

    act(editor_client, publication, "publish")

    publication.refresh_from_db()
    assert publication.title == "New title"
    assert publication.published_at == earlier
    assert client.get(publication.get_absolute_url()).status_code == 200


def test_pending_changes_cannot_move_a_live_item_into_the_future(editor_client, client):
    live_at = timezone.now() - timedelta(days=2)
    publication = PublicationFactory(title="Live title", published_at=live_at)
    later = timezone.now() + timedelta(days=3)

    response = propose(editor_client, publication, title="New title", **split(later))

    assert response.status_code == 200
    assert "cannot move its publish time into the future" in response.content.decode()
    assert pending_for(publication) is None
    publication.refresh_from_db()
    assert publication.published_at == live_at
    assert client.get(publication.get_absolute_url()).status_code == 200


def test_a_scheduled_item_may_be_rescheduled_in_its_pending_changes(editor_client):
    scheduled_at = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    publication = PublicationFactory(published_at=scheduled_at)
    later = scheduled_at + timedelta(days=5)

    response = propose(editor_client, publication, **split(later))

    assert response.status_code == 302
    act(editor_client, publication, "publish")
    publication.refresh_from_db()
    assert publication.published_at == later
