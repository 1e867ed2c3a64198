"""Last-Modified on API responses, and If-Modified-Since revalidating to 304."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.http import http_date

from policyhub.editorial.cache import CHANGED_AT_KEY
from publications.models import Publication
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"


def since(**delta):
    return timezone.now() - timedelta(**delta)


def backdate(publication, moment):
    # update(): no save, so no change recorded and updated_at stays where it is put.
    Publication.objects.filter(pk=publication.pk).update(updated_at=moment, published_at=moment)


@pytest.fixture
def settled():
    """An older publication, a change two hours ago, then a newer publication."""
    older, newer = PublicationFactory(slug="older"), PublicationFactory(slug="newer")
    backdate(older, since(hours=3))
    backdate(newer, since(minutes=90))
    cache.set(CHANGED_AT_KEY, since(hours=2).timestamp(), timeout=None)
    return older, newer


@pytest.mark.parametrize(
    "url", [LIST, f"{LIST}newer/", "/api/v1/people/", "/api/v1/search/?q=publication"]
)
def test_if_modified_since_revalidates_to_304(client, settled, url):
    first = client.get(url)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""


def test_a_list_is_as_new_as_its_newest_item(client, settled):
    older, newer = settled
    newer.refresh_from_db()

    response = client.get(LIST)

    assert response["Last-Modified"] == http_date(newer.updated_at.timestamp())


def test_an_item_is_never_older_than_the_last_change_readers_saw(client, settled):
    # The older item's own time is 3 hours back, but a minute ago something changed that its
    # page may show (an author's name): the later time wins.
    cache.set(CHANGED_AT_KEY, since(minutes=1).timestamp(), timeout=None)

    response = client.get(f"{LIST}older/")

    assert response["Last-Modified"] == http_date(cache.get(CHANGED_AT_KEY))


def test_an_edit_is_a_200(client, settled):
    older, _ = settled
    first = client.get(f"{LIST}older/")

    older.refresh_from_db()
    older.title = "Retitled"
    older.save()
    again = client.get(f"{LIST}older/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 200
    assert again.json()["title"] == "Retitled"


def test_unpublishing_the_newest_item_is_a_200(client, settled):
    # Taking the newest item away leaves only older times on the list: the list still changed.
    _, newer = settled
    first = client.get(LIST)

    newer.refresh_from_db()
    newer.status = Publication.Status.UNPUBLISHED
    newer.save()
    again = client.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 200
    assert [item["slug"] for item in again.json()["results"]] == ["older"]


def test_a_scheduled_item_counts_once_it_is_live(client, settled, monkeypatch):
    scheduled = PublicationFactory(slug="scheduled", scheduled=True)
    cache.set(CHANGED_AT_KEY, since(hours=1).timestamp(), timeout=None)
    first = client.get(LIST)
    assert "scheduled" not in first.content.decode()

    later = scheduled.published_at + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = client.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 200
    assert again["Last-Modified"] == http_date(scheduled.published_at.timestamp())


def test_a_cache_that_lost_the_change_time_says_now(client, settled):
    cache.delete(CHANGED_AT_KEY)
    before = int(timezone.now().timestamp())

    response = client.get(f"{LIST}older/", HTTP_IF_MODIFIED_SINCE=http_date(before - 60))

    assert response.status_code == 200
    assert response["Last-Modified"] in {http_date(before), http_date(before + 1)}


def test_a_cache_down_costs_no_request_and_no_false_304(client, settled, cache_down):
    an_hour_ago = http_date(since(hours=1).timestamp())

    with cache_down():
        response = client.get(LIST, HTTP_IF_MODIFIED_SINCE=an_hour_ago)

    assert response.status_code == 200
    assert response["Last-Modified"]


def test_a_page_cache_hit_keeps_its_last_modified(client, settings, settled):
    settings.PAGE_CACHE_ENABLED = True
    first, hit = client.get(LIST), client.get(LIST)
    revalidated = client.get(LIST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (first["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit["Last-Modified"] == first["Last-Modified"]
    assert revalidated.status_code == 304


def test_errors_carry_no_last_modified(client, settled):
    response = client.get(f"{LIST}?year=abc")

    assert response.status_code == 400
    assert "Last-Modified" not in response
