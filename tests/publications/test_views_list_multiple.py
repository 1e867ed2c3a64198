"""Several values per filter on the publication list (any of them matches), their facet counts
and links, and the list's sort order."""

import pytest

from publications.forms import PublicationFilterForm
from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)
from tests.publications.listing import LIST_URL, days_ago, facet, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics():
    """Aid (2), trade (1, shared with aid once), energy (1); briefs and a report."""
    aid, trade, energy = (TopicFactory(name=n.title(), slug=n) for n in ("aid", "trade", "energy"))
    brief = PublicationTypeFactory(name="Brief", slug="brief")
    report = PublicationTypeFactory(name="Report", slug="report")
    PublicationFactory(title="Aid", topics=[aid], publication_type=brief, published_at=days_ago(1))
    PublicationFactory(
        title="Aid and trade",
        topics=[aid, trade],
        publication_type=report,
        published_at=days_ago(2),
    )
    PublicationFactory(
        title="Energy", topics=[energy], publication_type=brief, published_at=days_ago(3)
    )
    PublicationFactory(title="Draft on aid", topics=[aid], publication_type=brief, draft=True)


def test_any_of_several_topics_matches(client, topics):
    response = client.get(LIST_URL, {"topic": ["aid", "energy"]})

    assert titles(response) == ["Aid", "Aid and trade", "Energy"]


def test_several_values_of_one_filter_and_another_filter_combine(client, topics):
    response = client.get(LIST_URL, {"topic": ["trade", "energy"], "type": "brief"})

    assert titles(response) == ["Energy"]


def test_several_types_regions_tags_and_authors(client):
    asia, europe = RegionFactory(slug="asia"), RegionFactory(slug="europe")
    korea = RegionFactory(slug="korea", parent=asia)
    ana, li = PersonFactory(slug="ana"), PersonFactory(slug="li")
    PublicationFactory(title="Korea", regions=[korea], authors=[ana], tags=["grain"])
    PublicationFactory(title="Europe", regions=[europe], authors=[li], tags=["oil"])
    PublicationFactory(title="Nowhere", authors=[PersonFactory()], tags=["gas"])

    assert set(titles(client.get(LIST_URL, {"region": ["asia", "europe"]}))) == {
        "Korea",
        "Europe",
    }
    assert set(titles(client.get(LIST_URL, {"author": ["ana", "li"]}))) == {"Korea", "Europe"}
    assert set(titles(client.get(LIST_URL, {"tag": ["grain", "gas"]}))) == {"Korea", "Nowhere"}


def test_each_facet_counts_with_the_other_filters_only(client, topics):
    response = client.get(LIST_URL, {"topic": "aid", "type": "brief"})

    assert titles(response) == ["Aid"]
    # Topics under "brief" alone: every topic a reader could add, with what it would add.
    assert facet(response, "topic") == {"aid": 1, "energy": 1}
    # Types under "aid" alone.
    assert facet(response, "type") == {"brief": 1, "report": 1}

    both = client.get(LIST_URL, {"topic": ["aid", "energy"]})
    assert facet(both, "type") == {"brief": 2, "report": 1}
    assert facet(both, "topic") == {"aid": 2, "trade": 1, "energy": 1}


def test_facet_counts_match_the_results_they_lead_to(client, topics):
    response = client.get(LIST_URL, {"topic": "aid"})
    for facet_ in response.context["facets"]:
        for option in facet_.options:
            followed = client.get(LIST_URL + option.query_string)
            if option.active:
                continue
            # Adding a value of another facet narrows to its count; adding a topic widens.
            if facet_.param == "topic":
                assert followed.context["paginator"].count >= option.count
            else:
                assert followed.context["paginator"].count == option.count


def test_links_add_and_remove_one_value(client, topics):
    response = client.get(LIST_URL, {"topic": ["energy", "aid"], "page": "1"})
    options = {option.slug: option for f in response.context["facets"] for option in f.options}

    assert options["aid"].active and options["energy"].active
    assert not options["trade"].active
    assert options["aid"].query_string == "?topic=energy"
    assert options["trade"].query_string == "?topic=energy&topic=aid&topic=trade"
    html = response.content.decode()
    # One removable chip per chosen value.
    assert f'href="{LIST_URL}?topic=aid"' in html
    assert f'href="{LIST_URL}?topic=energy"' in html


def test_bad_values_among_good_ones_are_named(client, topics):
    response = client.get(LIST_URL, {"topic": ["aid", "nope", "<b>x</b>"]})

    assert response.status_code == 200
    assert titles(response) == []
    html = response.content.decode()
    assert "No topic called “nope”, “&lt;b&gt;x&lt;/b&gt;”." in html
    assert "<b>x" not in html


def test_too_many_values_is_a_message(client, topics):
    response = client.get(LIST_URL, {"topic": [f"t{n}" for n in range(11)]})

    assert response.status_code == 200
    assert "Choose at most 10 topics." in response.content.decode()


def test_values_in_another_order_share_the_counts_cache_entry(topics):
    one = PublicationFilterForm({"topic": ["aid", "energy"]})
    other = PublicationFilterForm({"topic": ["energy", "aid", "aid"]})

    assert one.is_valid() and other.is_valid()
    assert one.facet_cache_name() == other.facet_cache_name()
    assert one.facet_cache_name() == "publication-facets:topic=aid,energy"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["Aid", "Aid and trade", "Energy"]),
        ("newest", ["Aid", "Aid and trade", "Energy"]),
        ("oldest", ["Energy", "Aid and trade", "Aid"]),
        ("title", ["Aid", "Aid and trade", "Energy"]),
    ],
)
def test_sort(client, topics, sort, expected):
    params = {"sort": sort} if sort else {}

    assert titles(client.get(LIST_URL, params)) == expected


def test_sort_by_title_ignores_case(client):
    PublicationFactory(title="beta", published_at=days_ago(1))
    PublicationFactory(title="Alpha", published_at=days_ago(2))
    PublicationFactory(title="Gamma", published_at=days_ago(3))

    assert titles(client.get(LIST_URL, {"sort": "title"})) == ["Alpha", "beta", "Gamma"]


def test_sort_links_keep_the_filters_and_reset_the_page(client, topics):
    html = client.get(LIST_URL, {"topic": "aid", "page": "1"}).content.decode()

    assert 'href="?topic=aid&amp;sort=oldest"' in html
    assert 'href="?topic=aid&amp;sort=newest" aria-current="true"' in html


def test_a_bad_sort_is_a_message(client, topics):
    response = client.get(LIST_URL, {"sort": "random"})

    assert response.status_code == 200
    assert "Sort by newest, oldest or title." in response.content.decode()


def test_more_values_cost_no_more_queries(client, django_assert_max_num_queries):
    parents = [RegionFactory(slug=f"r{n}") for n in range(3)]
    for n, parent in enumerate(parents):
        child = RegionFactory(slug=f"c{n}", parent=parent)
        PublicationFactory(regions=[child], topics=[TopicFactory(slug=f"t{n}")], tags=[f"g{n}"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        params = {
            "region": [f"r{n}" for n in range(count)],
            "topic": [f"t{n}" for n in range(count)],
            "tag": [f"g{n}" for n in range(count)],
        }
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL, params).status_code == 200
        return len(captured)

    assert queries(3) == queries(1)
