"""The no-results page: what was searched, the editors' synonyms it also looked for, the filters
in use (each removable), the correction and the search without filters."""

import pytest
from django.urls import reverse

from policyhub.search.query import synonyms_applied
from tests.factories import PublicationFactory, SynonymFactory, TopicFactory

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


def test_synonyms_applied_are_the_words_the_query_gained():
    groups = [["DPRK", "North Korea"], ["aid", "assistance"]]

    assert synonyms_applied("dprk talks", groups) == ["North Korea"]
    assert synonyms_applied("North Korea", groups) == ["DPRK"]
    # Quoted words are left alone by the synonyms, and unknown words gain nothing.
    assert synonyms_applied('"dprk" talks', groups) == []
    assert synonyms_applied("grain", groups) == []


def test_no_results_names_the_synonyms_searched_too(client):
    SynonymFactory(terms="DPRK, North Korea, Democratic People's Republic of Korea")
    PublicationFactory(title="Grain prices")

    response = client.get(URL, {"q": "dprk zyzzyva"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing matched “dprk zyzzyva”." in html
    assert (
        "Also searched for its synonyms “Democratic People&#x27;s Republic of Korea”, "
        "“North Korea”." in html
    )


def test_no_synonym_line_without_synonyms(client):
    SynonymFactory(terms="DPRK, North Korea")

    html = client.get(URL, {"q": "zyzzyva"}).content.decode()

    assert "Also searched for" not in html


def test_no_results_lists_each_filter_with_a_link_that_drops_it(client):
    aid = TopicFactory(name="Aid", slug="aid")
    trade = TopicFactory(name="Trade", slug="trade")
    PublicationFactory(title="Grain prices", topics=[trade])

    response = client.get(URL, {"q": "grain", "topic": ["aid", "trade"], "kind": "option"})

    html = response.content.decode()
    assert response.context["results"].total == 0
    assert "Filters in use" in html
    assert f"Topic: {aid.name}" in html and f"Topic: {trade.name}" in html
    assert 'href="/search/?q=grain&amp;topic=trade&amp;kind=option"' in html
    assert 'href="/search/?q=grain&amp;topic=aid&amp;topic=trade"' in html


def test_with_no_results_the_chosen_filter_still_offers_its_other_values(client):
    TopicFactory(name="Aid", slug="aid")
    TopicFactory(name="Trade", slug="trade")
    PublicationFactory(
        title="Grain prices", topics=[TopicFactory._meta.model.objects.get(slug="trade")]
    )

    response = client.get(URL, {"q": "grain", "topic": "aid"})

    groups = {group.param: group for group in response.context["results"].facets}
    assert response.context["results"].total == 0
    assert {option.value: option.count for option in groups["topic"].options} == {"trade": 1}
    assert 'href="?q=grain&amp;topic=aid&amp;topic=trade"' in response.content.decode()


def test_results_pages_show_no_synonym_line(client):
    SynonymFactory(terms="DPRK, North Korea")
    PublicationFactory(title="North Korea grain")

    response = client.get(URL, {"q": "dprk"})

    assert response.context["results"].total == 1
    assert "Also searched for" not in response.content.decode()
