import pytest
from django.urls import reverse

from tests.factories import PolicyOptionFactory, PolicyQuestionFactory, TrackFactory

pytestmark = pytest.mark.django_db

URL = reverse("options:matrix")


def cells_by_title(response):
    """{(track name, column index): [titles]} from the view's rows."""
    return {
        (track.name, column): [option.title for option in cell]
        for track, cells in response.context["rows"]
        for column, cell in enumerate(cells)
        if cell
    }


@pytest.fixture
def grid():
    diplomatic = TrackFactory(name="Diplomatic", slug="diplomatic", order=1)
    economic = TrackFactory(name="Economic", slug="economic", order=2)
    PolicyOptionFactory(title="Reaffirm statement", track=diplomatic, timeframe="immediate")
    PolicyOptionFactory(title="Liaison offices", track=diplomatic, timeframe="near-term")
    PolicyOptionFactory(title="Declare end of war", track=diplomatic, timeframe="immediate")
    PolicyOptionFactory(
        title="Energy cooperation", track=economic, timeframe="long-term", level="nongovernmental"
    )
    PolicyOptionFactory(title="Draft in a cell", track=economic, timeframe="immediate", draft=True)
    PolicyOptionFactory(
        title="Option of a hidden question",
        track=economic,
        timeframe="immediate",
        question=PolicyQuestionFactory(draft=True),
    )
    return diplomatic, economic


def test_rows_are_tracks_and_columns_are_timeframes(client, grid):
    response = client.get(URL)

    assert response.status_code == 200
    assert [track.name for track, _ in response.context["rows"]] == ["Diplomatic", "Economic"]
    assert [label for _, label in response.context["timeframes"]] == [
        "Immediate",
        "Near-term",
        "Long-term",
    ]
    assert cells_by_title(response) == {
        ("Diplomatic", 0): ["Declare end of war", "Reaffirm statement"],
        ("Diplomatic", 1): ["Liaison offices"],
        ("Economic", 2): ["Energy cooperation"],
    }


def test_cells_link_to_options_and_headers_have_scope(client, grid):
    html = client.get(URL).content.decode()

    assert '<th scope="row">Diplomatic</th>' in html
    assert '<th scope="col">Near-term</th>' in html
    assert 'href="/options/' in html
    assert "Draft in a cell" not in html
    assert "Option of a hidden question" not in html


def test_the_list_filters_apply_to_the_matrix(client, grid):
    response = client.get(URL, {"level": "nongovernmental"})

    assert cells_by_title(response) == {("Economic", 2): ["Energy cooperation"]}


def test_a_track_filter_keeps_only_that_row(client, grid):
    response = client.get(URL, {"track": "economic"})

    assert [track.name for track, _ in response.context["rows"]] == ["Economic"]


def test_an_unknown_filter_value_empties_the_matrix_with_a_message(client, grid):
    response = client.get(URL, {"timeframe": "someday"})

    assert response.status_code == 200
    assert cells_by_title(response) == {}
    assert "No timeframe called" in response.content.decode()
