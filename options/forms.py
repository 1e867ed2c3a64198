import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import Truncator
from taggit.models import Tag

from .models import Actor, PolicyOption, PolicyQuestion, TaggedOption, Track

SLUG_RE = re.compile(r"^[-\w]{1,300}$")


def _shown(value):
    # Error messages echo the value; keep garbage input short.
    return Truncator(str(value)).chars(40)


class SlugChoiceField(forms.ModelChoiceField):
    """A model chosen by slug; anything that cannot be a slug is refused before the database
    sees it (a NUL byte would make PostgreSQL raise)."""

    def __init__(self, queryset, noun, **kwargs):
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            error_messages={"invalid_choice": f"There is no {noun} “%(value)s”."},
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not SLUG_RE.match(str(value)):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": _shown(value)},
            )
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": _shown(value)},
            ) from error


class ValueChoiceField(forms.ChoiceField):
    def __init__(self, choices, noun, **kwargs):
        super().__init__(
            choices=[("", "Any")] + list(choices),
            required=False,
            error_messages={"invalid_choice": f"There is no {noun} “%(value)s”."},
            **kwargs,
        )

    def validate(self, value):
        if value and not self.valid_value(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": _shown(value)},
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
