from django import forms
from django.core.exceptions import ValidationError
from taggit.models import Tag

from publications.forms import SlugChoiceField, shown_value

from .models import Actor, PolicyOption, PolicyQuestion, TaggedOption, Track


class ValueChoiceField(forms.ChoiceField):
    def __init__(self, choices, noun, **kwargs):
        super().__init__(
            choices=[("", "Any")] + list(choices),
            required=False,
            error_messages={"invalid_choice": f"No {noun} called “%(value)s”."},
            **kwargs,
        )

    def validate(self, value):
        if value and not self.valid_value(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": shown_value(value)},
            )


def visible_option_tags():
    """Tags on at least one visible option: one used only by hidden options does not exist."""
    return Tag.objects.filter(
        pk__in=TaggedOption.objects.filter(
            content_object__in=PolicyOption.objects.visible()
        ).values("tag_id")
    )


def visible_option_actors():
    """Actors of at least one visible option, for the same reason."""
    return Actor.objects.filter(
        pk__in=PolicyOption.actors.through.objects.filter(
            policyoption__in=PolicyOption.objects.visible()
        ).values("actor_id")
    )


class OptionFilterForm(forms.Form):
    """Validates the reader filters of the option list and matrix (GET parameters)."""

    question = SlugChoiceField(PolicyQuestion.objects.published(), "question")
    track = SlugChoiceField(Track.objects.all(), "track")
    level = ValueChoiceField(PolicyOption.Level.choices, "level")
    timeframe = ValueChoiceField(PolicyOption.Timeframe.choices, "timeframe")
    status = ValueChoiceField(PolicyOption.RealWorldStatus.choices, "status")
    tag = SlugChoiceField(Tag.objects.all(), "tag")
    actor = SlugChoiceField(Actor.objects.all(), "actor")

    FILTERS = ("question", "track", "level", "timeframe", "status", "tag", "actor")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A fresh "published" cut-off for every request, not the one from import time. A
        # value that only hidden content uses reads like an unknown one: the filter must not
        # echo its name.
        self.fields["question"].queryset = PolicyQuestion.objects.published()
        self.fields["tag"].queryset = visible_option_tags()
        self.fields["actor"].queryset = visible_option_actors()

    def filters(self):
        """The valid filters only: an invalid field is left out (the view empties the result)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.FILTERS}
