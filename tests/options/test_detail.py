import pytest

from tests.factories import (
    ActorFactory,
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def test_shows_the_full_record(client):
    actor = ActorFactory(name="Secretary of State")
    option = PolicyOptionFactory(
        title="Establish liaison offices",
        summary="Open offices in both capitals.",
        description="<p>Offices keep <strong>channels</strong> open.</p>",
        goals="Sustain communication",
        risks="Could be read as recognition",
        conditions="borders reopen\ntravel ban lifted",
        real_world_status="under-consideration",
        status_note="Raised at working level",
        status_date="2021-05-01",
        actors=[actor],
        tags=["Diplomacy"],
    )

    response = client.get(option.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Establish liaison offices",
        option.question.title,
        option.track.name,
        "Governmental",
        "Immediate",
        "Open offices in both capitals.",
        "<strong>channels</strong>",
        "Sustain communication",
        "Could be read as recognition",
        "borders reopen",
        "travel ban lifted",
        "Secretary of State",
        "Under consideration",
        "Raised at working level",
        "1 May 2021",
        'href="/tags/diplomacy/"',
    ]:
        assert text in html, text


def test_prerequisites_and_unlocks_both_directions_published_only(client):
    first = PolicyOptionFactory(title="Partial sanctions relief")
    hidden_first = PolicyOptionFactory(title="Secret precondition", draft=True)
    option = PolicyOptionFactory(title="Interim freeze", prerequisites=[first, hidden_first])
    later = PolicyOptionFactory(title="Economic cooperation", prerequisites=[option])
    PolicyOptionFactory(title="Scheduled follow-up", scheduled=True, prerequisites=[option])
    PolicyOptionFactory(
        title="Follow-up in a draft question",
        question=PolicyQuestionFactory(draft=True),
        prerequisites=[option],
    )

    response = client.get(option.get_absolute_url())

    assert response.context["option"].visible_prerequisites == [first]
    assert response.context["option"].visible_unlocks == [later]
    html = response.content.decode()
    assert f'href="{first.get_absolute_url()}"' in html
    assert f'href="{later.get_absolute_url()}"' in html
    for hidden in ["Secret precondition", "Scheduled follow-up", "Follow-up in a draft question"]:
        assert hidden not in html


def test_sources_are_grouped_by_stance_with_quote_and_note(client):
    option = PolicyOptionFactory()
    OptionSourceFactory(
        option=option,
        stance="opposes",
        publication=PublicationFactory(title="Against the idea"),
        note="Argues it rewards provocation",
    )
    OptionSourceFactory(
        option=option,
        stance="proposes",
        publication=PublicationFactory(title="For the idea"),
        quote="Washington could quickly act",
    )
    OptionSourceFactory(
        option=option, stance="supports", publication=PublicationFactory(title="Draft", draft=True)
    )
    OptionSourceFactory(
        option=option,
        stance="discusses",
        publication=PublicationFactory(title="Not out yet", scheduled=True),
    )

    html = client.get(option.get_absolute_url()).content.decode()

    assert html.index(">Proposes<") < html.index("For the idea") < html.index(">Opposes<")
    assert html.index(">Opposes<") < html.index("Against the idea")
    assert "Washington could quickly act" in html
    assert "Argues it rewards provocation" in html
    assert ">Supports<" not in html
    assert ">Discusses<" not in html
    assert "Not out yet" not in html


def test_related_options_with_reasons(client):
    track = TrackFactory()
    congress = ActorFactory(name="Congress")
    option = PolicyOptionFactory(track=track, tags=["Sanctions"], actors=[congress])
    same_place = PolicyOptionFactory(title="Same place", question=option.question, track=track)
    same_tag = PolicyOptionFactory(title="Same tag", tags=["sanctions"])
    same_actor = PolicyOptionFactory(title="Same actor", actors=[congress])
    PolicyOptionFactory(title="Unrelated")
    PolicyOptionFactory(title="Draft relative", tags=["Sanctions"], draft=True)

    response = client.get(option.get_absolute_url())

    related = dict(response.context["related"])
    assert set(related) == {same_place, same_tag, same_actor}
    assert related[same_place] == ["Same question and track"]
    assert related[same_tag] == ["Shared tags: Sanctions"]
    assert related[same_actor] == ["Shared actors: Congress"]
    assert "Draft relative" not in response.content.decode()


@pytest.mark.parametrize(
    "kwargs",
    [{"draft": True}, {"scheduled": True}],
)
def test_unpublished_options_are_404(client, kwargs):
    option = PolicyOptionFactory(**kwargs)

    assert client.get(option.get_absolute_url()).status_code == 404


def test_an_option_of_a_draft_question_is_404(client):
    option = PolicyOptionFactory(question=PolicyQuestionFactory(draft=True))

    assert client.get(option.get_absolute_url()).status_code == 404
