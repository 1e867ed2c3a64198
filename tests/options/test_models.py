import pytest
from django.core.exceptions import ValidationError

from options.models import OptionSource, PolicyOption
from tests.factories import (
    OptionSourceFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def test_an_option_cannot_be_its_own_prerequisite():
    option = PolicyOptionFactory()

    with pytest.raises(ValidationError, match="own prerequisite"):
        option.check_prerequisites([option])


def test_a_two_option_cycle_is_refused():
    first = PolicyOptionFactory()
    second = PolicyOptionFactory(prerequisites=[first])

    with pytest.raises(ValidationError, match="cycle"):
        first.check_prerequisites([second])


def test_a_longer_cycle_is_refused():
    start = PolicyOptionFactory()
    middle = PolicyOptionFactory(prerequisites=[start])
    end = PolicyOptionFactory(prerequisites=[middle])

    with pytest.raises(ValidationError, match="cycle"):
        start.check_prerequisites([end])


def test_shared_prerequisites_without_a_cycle_are_accepted():
    base = PolicyOptionFactory()
    left = PolicyOptionFactory(prerequisites=[base])
    right = PolicyOptionFactory(prerequisites=[base])
    top = PolicyOptionFactory()

    top.check_prerequisites([left, right, base])  # a diamond, not a cycle


@pytest.mark.parametrize("stance", [value for value, _ in OptionSource.Stance.choices])
def test_every_stance_is_accepted(stance):
    source = OptionSourceFactory.build(
        option=PolicyOptionFactory(), publication=PublicationFactory(), stance=stance
    )

    source.full_clean()


def test_an_unknown_stance_is_refused():
    source = OptionSourceFactory.build(
        option=PolicyOptionFactory(), publication=PublicationFactory(), stance="endorses"
    )

    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "stance" in error.value.message_dict


def test_stances_are_the_four_of_the_issue():
    assert [value for value, _ in OptionSource.Stance.choices] == [
        "proposes",
        "supports",
        "opposes",
        "discusses",
    ]


def test_condition_list_skips_blank_lines():
    option = PolicyOptionFactory(conditions="sanctions relief\n\n  borders reopen  \n")

    assert option.condition_list == ["sanctions relief", "borders reopen"]


def test_visible_needs_a_published_option_and_a_published_question():
    live = PolicyOptionFactory()
    PolicyOptionFactory(draft=True)
    PolicyOptionFactory(scheduled=True)
    PolicyOptionFactory(question=PolicyQuestionFactory(draft=True))

    assert list(PolicyOption.objects.visible()) == [live]


def test_sources_by_stance_groups_in_stance_order_and_skips_unpublished_publications():
    option = PolicyOptionFactory()
    opposing = OptionSourceFactory(option=option, stance="opposes")
    proposing = OptionSourceFactory(option=option, stance="proposes")
    OptionSourceFactory(
        option=option, stance="supports", publication=PublicationFactory(draft=True)
    )
    OptionSourceFactory(
        option=option, stance="discusses", publication=PublicationFactory(scheduled=True)
    )

    groups = option.sources_by_stance()

    assert [(stance, links) for stance, _, links in groups] == [
        ("proposes", [proposing]),
        ("opposes", [opposing]),
    ]
