"""The /search/ page: rendering, filters and facet counts, paging, escaping, query budget."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


def facet(response, param):
    groups = {group.param: group for group in response.context["results"].facets}
    return {option.label: option.count for option in groups[param].options}


def test_empty_query_shows_help_and_browse_links(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'"peace regime"' in response.content
    assert reverse("publications:list").encode() in response.content


def test_results_show_kind_title_date_and_marked_snippet(client):
    PublicationFactory(
        title="Winter fuel",
        summary="Why fuel shortages matter in winter.",
        published_at="2025-01-15T10:00:00Z",
    )
    response = client.get(URL, {"q": "shortages"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Winter fuel" in html
    assert "<mark>shortages</mark>" in html
    assert "15 January 2025" in html
    assert "Analysis and Commentary" in html  # the publication type stands for its kind


def test_snippets_and_titles_are_escaped(client):
    PublicationFactory(
        title="<script>alert(1)</script> Tunnel",
        summary='Tunnel <img src=x onerror="alert(2)"> & more',
        body="<p>tunnel &lt;script&gt;alert(3)&lt;/script&gt;</p>",
    )
    html = client.get(URL, {"q": "tunnel"}).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Tunnel</mark>" in html


def test_facet_counts_follow_the_query(client):
    energy, water = TopicFactory(name="Energy"), TopicFactory(name="Water")
    PublicationFactory(title="Dam finance", topics=[energy, water], tags=["loans"])
    PublicationFactory(title="Dam safety", topics=[water])
    PublicationFactory(title="Solar finance", topics=[energy])
    PolicyOptionFactory(title="Fund a dam", tags=["loans"])
    response = client.get(URL, {"q": "dam"})
    assert facet(response, "topic") == {"Water": 2, "Energy": 1}
    assert facet(response, "kind") == {"Publication": 2, "Policy option": 1}
    assert facet(response, "tag") == {"loans": 2}
    assert response.context["results"].total == 3


def test_filters_narrow_results_and_counts(client):
    report = PublicationTypeFactory(name="Special Reports", slug="special-reports")
    asia = RegionFactory(name="Asia", slug="asia")
    korea = RegionFactory(name="Korea", slug="korea", parent=asia)
    author = PersonFactory(name="Min Park", slug="min-park")
    PublicationFactory(title="Rail plan", publication_type=report, regions=[korea])
    PublicationFactory(title="Rail memo", authors=[author], published_at="2024-05-01T00:00:00Z")
    PublicationFactory(title="Rail notes", regions=[asia], tags=["trains"])

    def hits(**params):
        response = client.get(URL, {"q": "rail", **params})
        assert response.status_code == 200
        return sorted(hit.title for hit in response.context["results"].page)

    assert hits(type="special-reports") == ["<mark>Rail</mark> plan"]
    assert hits(region="asia") == ["<mark>Rail</mark> notes", "<mark>Rail</mark> plan"]
    assert hits(region="korea") == ["<mark>Rail</mark> plan"]
    assert hits(author="min-park") == ["<mark>Rail</mark> memo"]
    assert hits(year="2024") == ["<mark>Rail</mark> memo"]
    assert hits(tag="trains", region="asia") == ["<mark>Rail</mark> notes"]
    assert hits(kind="person") == []


def test_facet_links_toggle_a_filter_and_reset_the_page(client):
    topic = TopicFactory(name="Energy", slug="energy")
    PublicationFactory(title="Grid", topics=[topic])
    response = client.get(URL, {"q": "grid", "page": "1"})
    option = response.context["results"].facets[-2].options[0]  # topic, before year
    assert option.url == "?q=grid&topic=energy"
    selected = client.get(URL, {"q": "grid", "topic": "energy"})
    groups = {group.param: group for group in selected.context["results"].facets}
    assert groups["topic"].options[0].selected
    assert groups["topic"].options[0].url == "?q=grid"


@pytest.mark.parametrize(
    "params",
    [
        {"topic": "no-such-topic"},
        {"topic": "bad slug!"},
        {"topic": "nul\x00"},
        {"year": "twenty"},
        {"year": "99999999999999999999"},
        {"kind": "robot"},
        {"sort": "random"},
    ],
)
def test_bad_filter_values_get_a_clear_400(client, params):
    response = client.get(URL, {"q": "anything", **params})
    assert response.status_code == 400
    assert b"could not be used" in response.content


@pytest.mark.parametrize("page", ["3", "0", "-1", "abc", "99999999999"])
def test_past_the_end_or_malformed_page_is_a_404(client, page):
    for number in range(25):
        PublicationFactory(title=f"Harvest {number}")
    assert client.get(URL, {"q": "harvest", "page": "2"}).status_code == 200
    assert client.get(URL, {"q": "harvest", "page": page}).status_code == 404


def test_pagination_links_keep_the_query_and_filters(client):
    for number in range(25):
        PublicationFactory(title=f"Harvest {number}", tags=["crops"])
    html = client.get(URL, {"q": "harvest", "tag": "crops"}).content.decode()
    assert "?q=harvest&amp;tag=crops&amp;page=2" in html


def test_no_results_message(client):
    response = client.get(URL, {"q": "zyzzyva"})
    assert response.status_code == 200
    assert "Nothing matched “zyzzyva”." in response.content.decode()
    assert response.context.get("unfiltered_url") is None


def test_no_results_with_filters_offers_the_search_without_them(client):
    topic = TopicFactory()
    PublicationFactory(title="North Korea sanctions")
    response = client.get(URL, {"q": "nort korea", "topic": topic.slug, "kind": "publication"})
    html = response.content.decode()
    assert "Nothing matched “nort korea” with these filters." in html
    assert 'href="?q=nort+korea"' in html
    # The correction counts within the filters: nothing here, so none is offered.
    assert response.context.get("corrected") is None
    response = client.get(URL, {"q": "nort korea"})
    assert (
        'Search for <a href="?q=north+korea">north korea</a> instead.' in response.content.decode()
    )


@pytest.mark.parametrize("count", [3, 30])
def test_query_budget_does_not_grow_with_results(client, django_assert_max_num_queries, count):
    topics = [TopicFactory() for _ in range(3)]
    people = [PersonFactory() for _ in range(2)]
    for number in range(count):
        PublicationFactory(
            title=f"Budget item {number}", topics=topics, authors=people, tags=["t1", "t2"]
        )
        PolicyOptionFactory(title=f"Budget option {number}", tags=["t1"])
    # The page's queries, the menus and the site settings, and the chosen topic's own counts (one
    # statement more per filter with values chosen); PostgreSQL adds its planner setting and,
    # inside a test, a savepoint and its release, for each statement.
    budget = 19 if connection.vendor == "postgresql" else 11
    with django_assert_max_num_queries(budget):
        response = client.get(URL, {"q": "budget", "topic": topics[0].slug})
    assert response.status_code == 200
    assert response.context["results"].total == count


def test_facets_over_a_large_match_set_are_sampled_and_marked(client, monkeypatch):
    monkeypatch.setattr("policyhub.search.engine.FACET_SAMPLE", 4)
    topic = TopicFactory(name="Energy")
    for number in range(12):
        PublicationFactory(title=f"Pipeline {number}", topics=[topic])
    response = client.get(URL, {"q": "pipeline"})
    results = response.context["results"]
    assert results.total == 12  # exact
    assert facet(response, "kind") == {"Publication": 12}  # exact
    # every third document is counted, times three: near 12 but an estimate
    assert facet(response, "topic")["Energy"] in range(6, 19, 3)
    assert "≈" in response.content.decode()


def test_drafts_never_reach_counts_or_facets(client):
    topic = TopicFactory(name="Energy")
    PublicationFactory(title="Grid", topics=[topic], tags=["power"])
    PublicationFactory(title="Grid draft", topics=[topic], tags=["secret"], draft=True)
    PublicationFactory(title="Grid later", topics=[topic], tags=["secret"], scheduled=True)
    response = client.get(URL, {"q": "grid"})
    assert response.context["results"].total == 1
    assert facet(response, "topic") == {"Energy": 1}
    assert facet(response, "tag") == {"power": 1}
    assert "draft" not in response.content.decode().lower()
