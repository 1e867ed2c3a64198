"""Drafts, scheduled options and options of draft questions never reach readers."""

import pytest
from django.urls import reverse

from options.sitemaps import OptionSitemap, QuestionSitemap
from tests.factories import (
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_TITLES = ["Draft option title", "Scheduled option title", "Option under a draft question"]


@pytest.fixture
def world():
    question = PolicyQuestionFactory(slug="visible-question")
    hidden_question = PolicyQuestionFactory(title="Draft question title", draft=True)
    live = PolicyOptionFactory(slug="live", title="Live option", question=question, tags=["Aid"])
    other = PolicyOptionFactory(slug="other", question=question, tags=["Aid"])
    hidden = [
        PolicyOptionFactory(
            slug="draft", title="Draft option title", question=question, draft=True, tags=["Aid"]
        ),
        PolicyOptionFactory(
            slug="scheduled",
            title="Scheduled option title",
            question=question,
            scheduled=True,
            tags=["Aid"],
        ),
        PolicyOptionFactory(
            slug="orphan",
            title="Option under a draft question",
            question=hidden_question,
            tags=["Aid"],
        ),
    ]
    publication = PublicationFactory()
    for option in [live, other, *hidden]:
        option.prerequisites.set([o for o in hidden if o != option])
        OptionSourceFactory(option=option, publication=publication)
    live.prerequisites.add(other)
    return {
        "question": question,
        "hidden_question": hidden_question,
        "live": live,
        "hidden": hidden,
    }


def reader_urls(world):
    live, question = world["live"], world["question"]
    return [
        reverse("options:list"),
        reverse("options:list") + "?tag=aid",
        reverse("options:matrix"),
        reverse("options:questions"),
        question.get_absolute_url(),
        live.get_absolute_url(),
        reverse("options:detail", args=["other"]),
        reverse("options:compare") + "?options=live,other,draft,scheduled,orphan",
    ]


def test_no_reader_page_shows_hidden_options_or_draft_questions(client, world):
    for url in reader_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for title in [*HIDDEN_TITLES, "Draft question title"]:
            assert title not in html, (url, title)


def test_hidden_options_and_draft_questions_have_no_page(client, world):
    for option in world["hidden"]:
        assert client.get(option.get_absolute_url()).status_code == 404
    assert client.get(world["hidden_question"].get_absolute_url()).status_code == 404


def test_hidden_options_are_not_counted_in_facets(client, world):
    response = client.get(reverse("options:list"))

    for facet in response.context["facets"]:
        assert sum(count for _, _, count in facet.values) <= 2, facet.name
    assert response.context["paginator"].count == 2


def test_sitemaps_list_visible_items_only(world):
    assert {o.slug for o in OptionSitemap().items()} == {"live", "other"}
    assert list(QuestionSitemap().items()) == [world["question"]]
