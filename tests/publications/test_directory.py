"""The experts directory at /people/: only people with published work, filters by topic, region
and role with counts, a name search, A–Z."""

import pytest
from django.urls import reverse

from publications.models import Person
from tests.factories import PersonFactory, PublicationFactory, RegionFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = "/people/"


@pytest.fixture
def site():
    aid, trade = TopicFactory(slug="aid", name="Aid"), TopicFactory(slug="trade", name="Trade")
    asia = RegionFactory(slug="asia", name="Asia")
    korea = RegionFactory(slug="korea", name="Korea", parent=asia)
    ana = PersonFactory(name="Ana Ortiz", slug="ana", kind=Person.Kind.STAFF)
    bo = PersonFactory(name="Bo Chen", slug="bo", kind=Person.Kind.FELLOW)
    cy = PersonFactory(name="Cy Adams", slug="cy", kind=Person.Kind.EXTERNAL)
    PublicationFactory(authors=[ana, bo], topics=[aid], regions=[korea])
    PublicationFactory(authors=[cy], topics=[trade], regions=[asia])
    # Authors of hidden work only, and people with no work at all, are not in the directory.
    hidden = PersonFactory(name="Hidden Draftwriter", slug="hidden")
    later = PersonFactory(name="Later Scheduled", slug="later")
    PublicationFactory(authors=[hidden, ana], topics=[trade], draft=True)
    PublicationFactory(authors=[later], topics=[aid], scheduled=True)
    PersonFactory(name="Nobody Yet", slug="nobody")
    return {"ana": ana, "bo": bo, "cy": cy}


def names(response):
    return [person.name for person in response.context["people"]]


def facet(response, param):
    found = next(f for f in response.context["facets"] if f.param == param)
    return {option.slug: option.count for option in found.options}


def test_visible_is_authors_of_published_work(site):
    assert set(Person.objects.visible().values_list("slug", flat=True)) == {"ana", "bo", "cy"}


def test_lists_only_visible_people_a_to_z(client, site):
    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Ana Ortiz", "Bo Chen", "Cy Adams"]
    content = response.content.decode()
    for hidden in ("Hidden Draftwriter", "Later Scheduled", "Nobody Yet"):
        assert hidden not in content


def test_counts_per_facet(client, site):
    response = client.get(URL)

    # The draft puts Ana on trade, but drafts do not count.
    assert facet(response, "topic") == {"aid": 2, "trade": 1}
    # Korea's authors count under Asia too, each person once.
    assert facet(response, "region") == {"asia": 3, "korea": 2}
    assert facet(response, "kind") == {"staff": 1, "fellow": 1, "external": 1}


def test_filters_combine_and_counts_follow_the_other_filters(client, site):
    response = client.get(URL, {"topic": "aid", "kind": "fellow"})

    assert names(response) == ["Bo Chen"]
    assert facet(response, "kind") == {"staff": 1, "fellow": 1}
    assert facet(response, "topic") == {"aid": 1}


def test_region_includes_sub_regions(client, site):
    assert names(client.get(URL, {"region": "asia"})) == ["Ana Ortiz", "Bo Chen", "Cy Adams"]
    assert names(client.get(URL, {"region": "korea"})) == ["Ana Ortiz", "Bo Chen"]


def test_name_search_and_letter(client, site):
    assert names(client.get(URL, {"q": "  chen "})) == ["Bo Chen"]
    assert names(client.get(URL, {"q": "draftwriter"})) == []
    assert names(client.get(URL, {"letter": "c"})) == ["Cy Adams"]
    letters = {item["letter"]: item["present"] for item in client.get(URL).context["letters"]}
    assert [letter for letter, present in letters.items() if present] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"topic": "nope"}, "No topic called “nope”."),
        ({"kind": "boss"}, "No role called “boss”."),
        ({"letter": "ab"}, "Choose a letter from A to Z."),
        ({"q": "x" * 101}, "at most 100 characters"),
        ({"q": "a\x00b"}, "Null characters are not allowed."),
    ],
)
def test_bad_parameters_are_explained_never_a_500(client, site, query, message):
    response = client.get(URL, query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert names(response) == []


def test_person_page_links_the_directory(client, site):
    content = client.get(site["ana"].get_absolute_url()).content.decode()

    assert f'href="{reverse("publications:people")}"' in content
