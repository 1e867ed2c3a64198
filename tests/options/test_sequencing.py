import pytest

from options.sequencing import layered_sequence
from tests.factories import PolicyOptionFactory, PolicyQuestionFactory, TrackFactory


def test_options_without_prerequisites_all_come_first():
    sequence = layered_sequence(["a", "b", "c"], {})

    assert sequence.steps == [["a", "b", "c"]]
    assert sequence.unordered == []


def test_a_chain_gives_one_step_per_link():
    sequence = layered_sequence(["c", "b", "a"], {"b": {"a"}, "c": {"b"}})

    assert sequence.steps == [["a"], ["b"], ["c"]]


def test_an_option_waits_for_all_its_prerequisites():
    # d needs b and c; c needs a: d can only come after c's step.
    sequence = layered_sequence(["a", "b", "c", "d"], {"c": {"a"}, "d": {"b", "c"}})

    assert sequence.steps == [["a", "b"], ["c"], ["d"]]


def test_prerequisites_outside_the_set_are_ignored():
    # "hidden" is a draft (or another question's option): it must not block anything.
    sequence = layered_sequence(["a", "b"], {"a": {"hidden"}, "b": {"a", "hidden"}})

    assert sequence.steps == [["a"], ["b"]]


def test_order_within_a_step_follows_the_input():
    assert layered_sequence(["z", "y", "x"], {}).steps == [["z", "y", "x"]]
    assert layered_sequence(["x", "y", "z"], {}).steps == [["x", "y", "z"]]


def test_a_cycle_is_reported_not_looped_forever():
    sequence = layered_sequence(["a", "b", "c"], {"b": {"c"}, "c": {"b"}})

    assert sequence.steps == [["a"]]
    assert sequence.unordered == ["b", "c"]


def test_a_self_prerequisite_does_not_block():
    assert layered_sequence(["a"], {"a": {"a"}}).steps == [["a"]]


def test_a_key_function_maps_objects_to_ids():
    items = [{"id": 1}, {"id": 2}]

    sequence = layered_sequence(items, {1: {2}}, key=lambda item: item["id"])

    assert sequence.steps == [[{"id": 2}], [{"id": 1}]]


def test_empty_input_gives_no_steps():
    assert layered_sequence([], {}).steps == []


@pytest.mark.django_db
def test_question_page_shows_steps_in_prerequisite_order(client):
    question = PolicyQuestionFactory()
    track = TrackFactory()
    relief = PolicyOptionFactory(question=question, track=track, title="Ease sanctions")
    cooperation = PolicyOptionFactory(
        question=question, track=track, title="Economic cooperation", prerequisites=[relief]
    )
    hidden = PolicyOptionFactory(question=question, track=track, draft=True, title="Hidden step")
    talks = PolicyOptionFactory(
        question=question, track=track, title="Start talks", prerequisites=[hidden]
    )

    response = client.get(question.get_absolute_url())

    steps = response.context["sequence"].steps
    assert steps == [[relief, talks], [cooperation]]
    html = response.content.decode()
    assert html.index("Step 1") < html.index("Step 2")
    assert "Hidden step" not in html
