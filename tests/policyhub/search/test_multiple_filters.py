"""Several values per search filter: any of them matches, each facet counts with its own
values off, links add or remove one value, unknown values are a clear 400."""

import pytest
from django.urls import reverse

from policyhub.search.engine import search
from policyhub.search.facets import Filters
from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


def facet(response, param):
    groups = {group.param: group for group in response.context["results"].facets}
    return {option.value: option.count for option in groups[param].options}


def titles(response):
    return sorted(
        hit.title.replace("<mark>", "").replace("</mark>", "")
        for hit in response.context["results"].page
    )


@pytest.fixture
def grain():
    aid, trade, energy = (TopicFactory(name=n.title(), slug=n) for n in ("aid", "trade", "energy"))
    brief = PublicationTypeFactory(name="Brief", slug="brief")
    report = PublicationTypeFactory(name="Report", slug="report")
    PublicationFactory(title="Grain aid", topics=[aid], publication_type=brief)
    PublicationFactory(title="Grain trade", topics=[aid, trade], publication_type=report)
    PublicationFactory(title="Grain power", topics=[energy], publication_type=brief)
    PublicationFactory(title="Grain draft", topics=[aid], publication_type=brief, draft=True)


def test_any_of_several_topics_matches(client, grain):
    response = client.get(URL, {"q": "grain", "topic": ["aid", "energy"]})

    assert titles(response) == ["Grain aid", "Grain power", "Grain trade"]


def test_several_types_and_another_filter_combine(client, grain):
    response = client.get(URL, {"q": "grain", "type": ["brief", "report"], "topic": "energy"})

    assert titles(response) == ["Grain power"]


def test_several_regions_and_authors(client):
    asia, europe = RegionFactory(slug="asia"), RegionFactory(slug="europe")
    korea = RegionFactory(slug="korea", parent=asia)
    ana, li = PersonFactory(slug="ana"), PersonFactory(slug="li")
    PublicationFactory(title="Rail Korea", regions=[korea], authors=[ana])
    PublicationFactory(title="Rail Europe", regions=[europe], authors=[li])
    PublicationFactory(title="Rail elsewhere", authors=[PersonFactory()])

    regions = client.get(URL, {"q": "rail", "region": ["asia", "europe"]})
    authors = client.get(URL, {"q": "rail", "author": ["ana", "li"]})

    assert titles(regions) == ["Rail Europe", "Rail Korea"]
    assert titles(authors) == ["Rail Europe", "Rail Korea"]


def test_each_facet_counts_with_its_own_values_off(client, grain):
    response = client.get(URL, {"q": "grain", "topic": "aid", "type": "brief"})

    assert titles(response) == ["Grain aid"]
    # Topics among the briefs, types among the aid publications.
    assert facet(response, "topic") == {"aid": 1, "energy": 1}
    assert facet(response, "type") == {"brief": 1, "report": 1}
    # The other filters are still counted over the results.
    assert response.context["results"].total == 1


def test_engine_accepts_one_id_or_several(grain):
    aid = TopicFactory._meta.model.objects.get(slug="aid")
    energy = TopicFactory._meta.model.objects.get(slug="energy")

    assert search("grain", Filters(topic=aid.pk)).total == 2
    assert search("grain", Filters(topic=(energy.pk, aid.pk))).total == 3
    assert Filters(topic=(energy.pk, aid.pk)) == Filters(topic=(aid.pk, energy.pk, aid.pk))


def test_links_add_and_remove_one_value(client, grain):
    response = client.get(URL, {"q": "grain", "topic": ["energy", "aid"], "page": "1"})
    groups = {group.param: group for group in response.context["results"].facets}
    options = {option.value: option for option in groups["topic"].options}

    assert options["aid"].selected and options["energy"].selected
    assert options["aid"].url == "?q=grain&topic=energy"
    assert options["trade"].url == "?q=grain&topic=energy&topic=aid&topic=trade"
    html = response.content.decode()
    # The search box keeps both values when the words change.
    assert '<input type="hidden" name="topic" value="energy">' in html
    assert '<input type="hidden" name="topic" value="aid">' in html


def test_an_unknown_value_among_known_ones_is_a_clear_400(client, grain):
    response = client.get(URL, {"q": "grain", "topic": ["aid", "nope"]})

    assert response.status_code == 400
    assert "No topic called “nope”." in response.content.decode()


def test_too_many_values_is_a_clear_400(client, grain):
    response = client.get(URL, {"q": "grain", "tag": [f"t{n}" for n in range(11)]})

    assert response.status_code == 400
    assert "Choose at most 10 tags." in response.content.decode()
