"""Every options page runs a fixed number of queries, whether it shows 3 options or 30."""

import pytest
from django.urls import reverse

from tests.factories import (
    ActorFactory,
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

# The header and footer menus: one query on an HTML page, then kept in the data cache.
MENUS = 1
# The site settings (name, footer...): one query on an HTML page, then kept in the data cache.
SITE = 1


@pytest.fixture(params=[3, 30])
def populated(request):
    count = request.param
    question = PolicyQuestionFactory()
    tracks = TrackFactory.create_batch(3)
    actors = ActorFactory.create_batch(3)
    publications = PublicationFactory.create_batch(3)
    options = []
    for n in range(count):
        option = PolicyOptionFactory(
            question=question,
            track=tracks[n % 3],
            timeframe=["immediate", "near-term", "long-term"][n % 3],
            actors=actors[: n % 3 + 1],
            tags=[f"tag-{n % 4}", "shared"],
            prerequisites=options[-2:],
        )
        for publication in publications:
            OptionSourceFactory(option=option, publication=publication, stance="supports")
        options.append(option)
    # The middle option has prerequisites and things it unlocks.
    return {
        "question": question,
        "options": options,
        "middle": options[len(options) // 2],
        "actor": actors[0],
    }


def test_list(client, django_assert_max_num_queries, populated):
    params = {"tag": "shared", "actor": populated["actor"].slug}
    with django_assert_max_num_queries(14 + MENUS + SITE):
        response = client.get(reverse("options:list"), params)
    assert response.status_code == 200
    assert len(response.context["options"]) == min(20, len(populated["options"]))


def test_list_unfiltered(client, django_assert_max_num_queries, populated):
    with django_assert_max_num_queries(12 + MENUS + SITE):
        assert client.get(reverse("options:list")).status_code == 200


def test_matrix(client, django_assert_max_num_queries, populated):
    with django_assert_max_num_queries(10 + MENUS + SITE):
        assert client.get(reverse("options:matrix"), {"tag": "shared"}).status_code == 200


def test_detail(client, django_assert_max_num_queries, populated):
    with django_assert_max_num_queries(9 + MENUS + SITE):
        response = client.get(populated["middle"].get_absolute_url())
    assert response.status_code == 200
    assert response.context["option"].visible_unlocks


def test_question(client, django_assert_max_num_queries, populated):
    with django_assert_max_num_queries(9 + MENUS + SITE):
        response = client.get(populated["question"].get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["sequence"].steps) > 1


def test_question_index(client, django_assert_max_num_queries, populated):
    with django_assert_max_num_queries(2 + MENUS + SITE):
        assert client.get(reverse("options:questions")).status_code == 200


def test_compare(client, django_assert_max_num_queries, populated):
    slugs = ",".join(option.slug for option in populated["options"][-4:])
    with django_assert_max_num_queries(6 + MENUS + SITE):
        response = client.get(reverse("options:compare"), {"options": slugs})
    assert response.status_code == 200
    assert len(response.context["options"]) == min(4, len(populated["options"]))
