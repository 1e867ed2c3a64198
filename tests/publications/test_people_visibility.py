"""A person is visible to readers once they are an author of a published publication."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policyhub.search import search
from publications.models import Person
from tests.factories import PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "state", [{"draft": True}, {"in_review": True}, {"unpublished": True}, {"scheduled": True}]
)
def test_an_author_of_hidden_pieces_only_is_not_visible(state):
    person = PersonFactory()
    PublicationFactory(authors=[person], **state)
    PersonFactory()  # no publication at all
    assert list(Person.objects.visible()) == []
    PublicationFactory(authors=[person])
    assert list(Person.objects.visible()) == [person]  # once, whatever the byline count


def test_a_scheduled_byline_shows_its_author_at_its_time(client, monkeypatch):
    person = PersonFactory(name="Greta Quillfeather", slug="greta")
    piece = PublicationFactory(authors=[person], scheduled=True)
    assert person not in Person.objects.visible()
    assert person in Person.objects.visible(at=piece.published_at)
    assert client.get(person.get_absolute_url()).status_code == 404
    assert [hit.kind for hit in search("quillfeather").page] == []

    # Time passes; nothing is saved or reindexed.
    later = piece.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(person.get_absolute_url()).status_code == 200
    feed = client.get(reverse("publications:person_feed", args=["greta"]))
    assert feed.status_code == 200
    assert {hit.kind for hit in search("quillfeather").page} == {"person", "publication"}
    suggested = client.get(reverse("search:suggest"), {"q": "quill"}).json()["suggestions"]
    assert [s["label"] for s in suggested] == ["Greta Quillfeather"]


def test_a_hidden_author_filter_reads_like_an_unknown_one(client):
    hidden = PersonFactory(name="Hidden Hilda", slug="hilda")
    PublicationFactory(authors=[hidden], draft=True)
    PublicationFactory(title="Published piece")
    for url, query in (
        (reverse("publications:list"), {"author": "hilda"}),
        (reverse("search:search"), {"q": "piece", "author": "hilda"}),
    ):
        content = client.get(url, query).content.decode()
        assert "No author called “hilda”." in content, url
        assert "Hidden Hilda" not in content, url
