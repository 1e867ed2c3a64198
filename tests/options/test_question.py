import pytest
from django.urls import reverse

from tests.factories import (
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def test_question_page_groups_options_by_track(client):
    question = PolicyQuestionFactory(
        title="How should Washington engage?",
        summary="Engagement options.",
        context="<p>Talks stalled in <em>2019</em>.</p>",
    )
    question.regions.set([RegionFactory(name="Korean Peninsula")])
    security = TrackFactory(name="Security", order=2)
    diplomatic = TrackFactory(name="Diplomatic", order=1)
    PolicyOptionFactory(question=question, track=security, title="Military talks")
    PolicyOptionFactory(question=question, track=diplomatic, title="Liaison offices")
    PolicyOptionFactory(question=question, track=diplomatic, title="End-of-war declaration")
    PolicyOptionFactory(question=question, track=security, title="Draft thought", draft=True)
    PolicyOptionFactory(title="Another question's option")

    response = client.get(question.get_absolute_url())

    assert response.status_code == 200
    grouped = [
        (track.name, [o.title for o in options]) for track, options in response.context["by_track"]
    ]
    assert grouped == [
        ("Diplomatic", ["End-of-war declaration", "Liaison offices"]),
        ("Security", ["Military talks"]),
    ]
    html = response.content.decode()
    assert "Engagement options." in html
    assert "<em>2019</em>" in html
    assert "Korean Peninsula" in html
    assert "Draft thought" not in html
    assert "Another question&#x27;s option" not in html


def test_cited_publications_with_counts_per_stance(client):
    question = PolicyQuestionFactory()
    first = PolicyOptionFactory(question=question)
    second = PolicyOptionFactory(question=question)
    third = PolicyOptionFactory(question=question)
    elsewhere = PolicyOptionFactory()
    hidden = PolicyOptionFactory(question=question, draft=True)
    article = PublicationFactory(title="Enhancing engagement")
    critique = PublicationFactory(title="A sceptical view")
    draft = PublicationFactory(title="Unfinished paper", draft=True)
    OptionSourceFactory(option=first, publication=article, stance="proposes")
    OptionSourceFactory(option=second, publication=article, stance="proposes")
    OptionSourceFactory(option=third, publication=article, stance="supports")
    OptionSourceFactory(option=elsewhere, publication=article, stance="opposes")
    OptionSourceFactory(option=hidden, publication=article, stance="opposes")
    OptionSourceFactory(option=first, publication=critique, stance="opposes")
    OptionSourceFactory(option=first, publication=draft, stance="supports")

    response = client.get(question.get_absolute_url())

    rows = {
        p.title: (p.proposes_count, p.supports_count, p.opposes_count, p.discusses_count)
        for p in response.context["publications"]
    }
    assert rows == {"Enhancing engagement": (2, 1, 0, 0), "A sceptical view": (0, 0, 1, 0)}
    assert [p.title for p in response.context["publications"]][0] == "Enhancing engagement"
    assert "Unfinished paper" not in response.content.decode()


def test_a_draft_question_is_404(client):
    question = PolicyQuestionFactory(draft=True)

    assert client.get(question.get_absolute_url()).status_code == 404


def test_question_index_lists_published_questions_with_published_option_counts(client):
    question = PolicyQuestionFactory(title="Visible question")
    PolicyOptionFactory.create_batch(2, question=question)
    PolicyOptionFactory(question=question, draft=True)
    PolicyOptionFactory(question=question, scheduled=True)
    PolicyQuestionFactory(title="Hidden question", draft=True)

    response = client.get(reverse("options:questions"))

    assert [(q.title, q.option_count) for q in response.context["questions"]] == [
        ("Visible question", 2)
    ]
    assert "Hidden question" not in response.content.decode()
