"""/search/suggest/: prefix suggestions as JSON, only for what readers can see."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db
URL = reverse("search:suggest")


def labels(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [(s["kind"], s["label"]) for s in response.json()["suggestions"]]


def test_titles_people_and_tags_by_any_word_title_start_first(client):
    # Titles that start with it, then by the word that matched, then the newest.
    days = [timezone.now() - timedelta(days=n) for n in range(5)]
    publication = PublicationFactory(
        title="Sanctions and food", tags=["sanctions relief"], published_at=days[4]
    )
    PolicyOptionFactory(title="Sanctions on medicine eased", published_at=days[2])
    PublicationFactory(title="Sanctioned banks", published_at=days[3])
    sandra = PersonFactory(name="Sandra Sanctis")  # people match by any part of the name
    PublicationFactory(
        title="Ease sanctions", authors=[sandra], tags=["easing sanctions"], published_at=days[0]
    )
    assert labels(client, "sanct") == [
        ("Publication", "Sanctioned banks"),
        ("Policy option", "Sanctions on medicine eased"),
        ("Publication", "Sanctions and food"),
        ("Publication", "Ease sanctions"),
        ("Person", "Sandra Sanctis"),
        ("Tag", "sanctions relief"),
        ("Tag", "easing sanctions"),
    ]
    first = client.get(URL, {"q": "Sanctions a"}).json()["suggestions"][0]
    assert first["url"] == publication.get_absolute_url()


def test_drafts_scheduled_and_their_tags_are_not_suggested(client):
    PublicationFactory(title="Secret plan", draft=True, tags=["secretive"])
    PublicationFactory(title="Secret timing", scheduled=True)
    assert labels(client, "secre") == []


@pytest.mark.parametrize("q", ["", "   ", "\x00", "\x00\x01", "%", "_", '"', "a" * 5000])
def test_empty_or_odd_input_is_harmless(client, q):
    PublicationFactory(title="Anything")
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json()["suggestions"], list)


def test_any_word_of_a_title_matches(client):
    PublicationFactory(title="Making Sense of North Korea's Missile Test")
    PublicationFactory(title="Dismissing the critics")  # not the start of a word
    assert labels(client, "missile") == [
        ("Publication", "Making Sense of North Korea's Missile Test")
    ]
    assert labels(client, "korea's mis") == labels(client, "missile")


@pytest.mark.parametrize("q", ["econ", "Écon", "ÉCONOMIE", "economie d"])
def test_accents_and_case_are_ignored_both_ways(client, q):
    PublicationFactory(title="Économie de la Corée du Nord", tags=["Écologie"])
    jose = PersonFactory(name="José Ecónomo")
    PublicationFactory(title="Plain title", authors=[jose])
    assert labels(client, q)[0] == ("Publication", "Économie de la Corée du Nord")
    assert ("Person", "José Ecónomo") in labels(client, "ECO")
    assert ("Publication", "Économie de la Corée du Nord") in labels(client, "coree")
    assert labels(client, "ecol") == [("Tag", "Écologie")]


def test_like_wildcards_are_literal(client):
    PublicationFactory(title="100% renewable")
    PublicationFactory(title="100 days")
    assert labels(client, "100%") == [("Publication", "100% renewable")]


def test_input_length_is_capped(client):
    response = client.get(URL, {"q": "b" * 500})
    assert len(response.json()["query"]) == 60


def test_query_budget(client, django_assert_max_num_queries):
    for number in range(20):
        PublicationFactory(title=f"Budget {number}", tags=[f"budget-{number}"])
    with django_assert_max_num_queries(3):
        assert len(labels(client, "budg")) == 16


@pytest.mark.parametrize("prefix", ["x\U0010ffff", "\ud7fb", "\ud7ff", "é"])
def test_prefix_ranges_at_the_edges_of_unicode(prefix):
    from policyhub.search.suggest import suggestions

    PublicationFactory(title=f"{prefix} title")
    assert [s["label"] for s in suggestions(prefix)] == [f"{prefix} title"]
