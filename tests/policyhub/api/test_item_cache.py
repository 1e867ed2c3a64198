"""The publication list keeps each item's JSON in the data cache: a change still shows."""

import pytest

from tests.factories import PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"


@pytest.fixture
def data_cache(settings):
    settings.DATA_CACHE_ENABLED = True


def test_an_edit_shows_in_the_list(client, data_cache):
    piece = PublicationFactory(slug="piece", title="Before")
    assert client.get(LIST).json()["results"][0]["title"] == "Before"

    piece.title = "After"
    piece.save()

    assert client.get(LIST).json()["results"][0]["title"] == "After"


def test_a_renamed_author_shows_in_the_list(client, data_cache):
    author = PersonFactory(name="Ann Old")
    PublicationFactory(slug="piece", authors=[author])
    assert client.get(LIST).json()["results"][0]["authors"][0]["name"] == "Ann Old"

    author.name = "Ann New"
    author.save()

    assert client.get(LIST).json()["results"][0]["authors"][0]["name"] == "Ann New"


def test_cached_items_are_trimmed_by_fields(client, data_cache):
    PublicationFactory(slug="piece")
    client.get(LIST)

    item = client.get(f"{LIST}?fields=id,slug").json()["results"][0]

    assert set(item) == {"id", "slug"}


def test_an_unpublished_item_leaves_the_cached_detail(client, data_cache):
    piece = PublicationFactory(slug="piece")
    assert client.get(f"{LIST}piece/").status_code == 200

    piece.status = piece.Status.UNPUBLISHED
    piece.save()

    assert client.get(f"{LIST}piece/").status_code == 404
