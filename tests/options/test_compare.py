import pytest
from django.urls import reverse

from options.compare import parse_slugs
from tests.factories import OptionSourceFactory, PolicyOptionFactory, PolicyQuestionFactory

pytestmark = pytest.mark.django_db

URL = reverse("options:compare")


@pytest.fixture
def five():
    return [PolicyOptionFactory(slug=f"opt-{n}", title=f"Option {n}") for n in range(1, 6)]


def compared(response):
    return [option.slug for option in response.context["options"]]


def test_two_to_four_options_side_by_side(client, five):
    OptionSourceFactory(option=five[0], stance="opposes", publication__title="Critique")

    response = client.get(URL, {"options": "opt-1,opt-2,opt-3"})

    assert response.status_code == 200
    assert compared(response) == ["opt-1", "opt-2", "opt-3"]
    labels = [row.label for row in response.context["rows"]]
    for label in ["Question", "Track", "Level", "Timeframe", "Real-world status", "Actors"]:
        assert label in labels
    assert "Prerequisite options" in labels
    assert "Other conditions" in labels
    assert "Sources: opposes" in labels
    html = response.content.decode()
    assert '<th scope="col"><a href="/options/opt-1/">Option 1</a></th>' in html
    assert '<th scope="row">Timeframe</th>' in html
    assert "Critique" in html


def test_repeated_parameter_form_from_the_checkboxes(client, five):
    response = client.get(URL + "?options=opt-2&options=opt-4")

    assert response.status_code == 200
    assert compared(response) == ["opt-2", "opt-4"]


def test_both_forms_mixed(client, five):
    response = client.get(URL + "?options=opt-1,opt-2&options=opt-3")

    assert compared(response) == ["opt-1", "opt-2", "opt-3"]


def test_no_options_asks_for_a_choice(client, five):
    response = client.get(URL)

    assert response.status_code == 200
    assert "Choose between 2 and 4 options" in response.content.decode()
    assert response.context["rows"] == []


def test_one_option_is_not_enough(client, five):
    response = client.get(URL, {"options": "opt-1"})

    assert response.status_code == 400
    assert "Choose at least 2 published options" in response.content.decode()


def test_five_options_are_too_many(client, five):
    response = client.get(URL, {"options": ",".join(o.slug for o in five)})

    assert response.status_code == 400
    assert "at most 4 options" in response.content.decode()
    assert response.context["rows"] == []


def test_unknown_and_draft_slugs_are_dropped_with_the_same_message(client, five):
    PolicyOptionFactory(slug="secret-draft", draft=True)
    PolicyOptionFactory(slug="hidden-question", question=PolicyQuestionFactory(draft=True))

    response = client.get(
        URL, {"options": "opt-1,no-such-option,secret-draft,opt-2,hidden-question"}
    )

    assert response.status_code == 200
    assert compared(response) == ["opt-1", "opt-2"]
    assert response.context["dropped"] == ["no-such-option", "secret-draft", "hidden-question"]
    assert "3 requested options were not found and left out" in response.content.decode()


def test_dropping_below_two_is_a_clear_400(client, five):
    PolicyOptionFactory(slug="secret-draft", draft=True)

    response = client.get(URL, {"options": "opt-1,secret-draft"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "not found and left out" in html
    assert "Choose at least 2" in html


def test_duplicates_count_once(client, five):
    response = client.get(URL + "?options=opt-1,opt-1&options=opt-2&options=opt-1")

    assert response.status_code == 200
    assert compared(response) == ["opt-1", "opt-2"]


@pytest.mark.parametrize(
    "value",
    [
        "x" * 100_000,
        "opt-1,\x00,opt-2",
        "<script>alert(1)</script>,opt-1",
        "'; DROP TABLE options; --",
        ",,,,",
        "ünï,cødé",
        "%00%ff",
    ],
)
def test_garbage_is_safe(client, five, value):
    response = client.get(URL, {"options": value})

    assert response.status_code in (200, 400)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_flood_of_slugs_is_cut_short_and_reported(client, five):
    value = ",".join(f"slug-{n}" for n in range(500))

    response = client.get(URL, {"options": value})

    assert response.status_code == 400
    assert "Only the first 20 requested options were read." in response.content.decode()


def test_parse_slugs_keeps_order_and_refuses_non_slugs():
    selection = parse_slugs(["b, a ,b", "bad slug!", "c"])

    assert selection.slugs == ["b", "a", "c"]
    assert selection.rejected == ["bad slug!"]
