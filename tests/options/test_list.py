import pytest
from django.urls import reverse

from tests.factories import (
    ActorFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("options:list")


def facet(response, name):
    facets = {facet.name: facet for facet in response.context["facets"]}
    return {value: count for value, _, count in facets[name].values}


def titles(response):
    return [option.title for option in response.context["options"]]


@pytest.fixture
def catalogue():
    question = PolicyQuestionFactory(slug="engage")
    other_question = PolicyQuestionFactory(slug="deter")
    diplomatic = TrackFactory(slug="diplomatic", name="Diplomatic")
    economic = TrackFactory(slug="economic", name="Economic")
    congress = ActorFactory(slug="congress", name="Congress")
    return {
        "liaison": PolicyOptionFactory(
            title="Liaison offices",
            question=question,
            track=diplomatic,
            timeframe="near-term",
            actors=[congress],
            tags=["Diplomacy"],
        ),
        "declaration": PolicyOptionFactory(
            title="End-of-war declaration",
            question=question,
            track=diplomatic,
            timeframe="immediate",
            real_world_status="under-consideration",
            tags=["Diplomacy", "Peace"],
        ),
        "trade": PolicyOptionFactory(
            title="Trade cooperation",
            question=question,
            track=economic,
            level="nongovernmental",
            timeframe="long-term",
            actors=[congress],
        ),
        "drills": PolicyOptionFactory(
            title="Scale down drills", question=other_question, track=diplomatic
        ),
    }


def test_lists_published_options_only(client, catalogue):
    PolicyOptionFactory(title="Draft idea", draft=True)
    PolicyOptionFactory(title="Scheduled idea", scheduled=True)
    PolicyOptionFactory(
        title="Option of a draft question", question=PolicyQuestionFactory(draft=True)
    )

    response = client.get(URL)

    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(o.title for o in catalogue.values())
    html = response.content.decode()
    assert "Draft idea" not in html
    assert "Scheduled idea" not in html
    assert "Option of a draft question" not in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"question": "engage"},
            {"Liaison offices", "End-of-war declaration", "Trade cooperation"},
        ),
        ({"track": "economic"}, {"Trade cooperation"}),
        ({"level": "nongovernmental"}, {"Trade cooperation"}),
        ({"timeframe": "near-term"}, {"Liaison offices"}),
        ({"status": "under-consideration"}, {"End-of-war declaration"}),
        ({"tag": "diplomacy"}, {"Liaison offices", "End-of-war declaration"}),
        ({"actor": "congress"}, {"Liaison offices", "Trade cooperation"}),
        ({"track": "diplomatic", "actor": "congress"}, {"Liaison offices"}),
    ],
)
def test_each_filter_narrows_the_list(client, catalogue, params, expected):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert set(titles(response)) == expected


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, catalogue):
    response = client.get(URL, {"track": "diplomatic", "actor": "congress"})

    # Track counts ignore the track filter but keep the actor filter.
    assert facet(response, "track") == {"diplomatic": 1, "economic": 1}
    # Actor counts ignore the actor filter but keep the track filter.
    assert facet(response, "actor") == {"congress": 1}
    assert facet(response, "question") == {"engage": 1}
    assert facet(response, "timeframe") == {"near-term": 1}
    assert facet(response, "tag") == {"diplomacy": 1}


def test_facet_counts_without_filters_count_everything_visible(client, catalogue):
    PolicyOptionFactory(track=catalogue["trade"].track, draft=True, tags=["Diplomacy"])

    response = client.get(URL)

    assert facet(response, "track") == {"diplomatic": 3, "economic": 1}
    assert facet(response, "tag") == {"diplomacy": 2, "peace": 1}
    assert facet(response, "level") == {"governmental": 3, "nongovernmental": 1}
    assert facet(response, "status") == {"proposed": 3, "under-consideration": 1}


def test_facet_links_keep_other_filters_and_drop_the_page(client, catalogue):
    response = client.get(URL, {"track": "diplomatic", "page": "1"})

    html = response.content.decode()
    assert 'href="?track=diplomatic&amp;timeframe=near-term"' in html
    assert 'href="?track=economic"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"track": "no-such-track"},
        {"question": "no-such-question"},
        {"tag": "nothing"},
        {"actor": "nobody"},
        {"level": "cosmic"},
        {"timeframe": "yesterday"},
        {"status": "vaporised"},
        {"track": "x" * 5000},
        {"tag": "bad\x00value"},
        {"actor": "<script>alert(1)</script>"},
        {"question": "ünïcødé slug"},
    ],
)
def test_unknown_or_garbage_filter_values_give_an_empty_list_and_a_message(
    client, catalogue, params
):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert list(response.context["options"]) == []
    assert response.context["filter_errors"]
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert "<script>alert(1)</script>" not in html


def test_a_draft_question_is_an_unknown_filter_value(client):
    question = PolicyQuestionFactory(draft=True, slug="secret")
    PolicyOptionFactory(question=question)

    response = client.get(URL, {"question": "secret"})

    assert list(response.context["options"]) == []
    assert "No question called" in response.content.decode()


@pytest.mark.parametrize(
    ("param", "message"), [("tag", "No tag called"), ("actor", "No actor called")]
)
def test_a_tag_or_actor_only_hidden_options_use_is_an_unknown_filter_value(client, param, message):
    # Regression: the filter accepted it and named it in the facets ("Embargoed (0)").
    actor = ActorFactory(slug="embargoed", name="Embargoed")
    PolicyOptionFactory(draft=True, tags=["Embargoed"], actors=[actor])
    PolicyOptionFactory(scheduled=True, tags=["Embargoed"], actors=[actor])
    PolicyOptionFactory(
        question=PolicyQuestionFactory(draft=True), tags=["Embargoed"], actors=[actor]
    )
    PolicyOptionFactory(title="Visible")

    response = client.get(URL, {param: "embargoed"})

    assert list(response.context["options"]) == []
    html = response.content.decode()
    assert message in html
    assert "Embargoed" not in html


def test_pages_of_twenty(client):
    PolicyOptionFactory.create_batch(21)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["options"]) == 20
    assert len(second.context["options"]) == 1
    assert 'rel="next" href="?page=2"' in first.content.decode()


@pytest.mark.parametrize("page", ["3", "0", "abc", "-1", "9" * 40])
def test_a_page_past_the_end_or_not_a_number_is_a_404(client, page):
    PolicyOptionFactory.create_batch(21)

    assert client.get(URL, {"page": page}).status_code == 404


def test_each_option_has_a_compare_checkbox_in_a_get_form(client, catalogue):
    response = client.get(URL)

    html = response.content.decode()
    assert f'<form method="get" action="{reverse("options:compare")}"' in html
    for option in catalogue.values():
        assert f'name="options" value="{option.slug}"' in html
    assert '<button type="submit">Compare selected</button>' in html
