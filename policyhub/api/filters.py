"""The list filters: the reader pages' forms, with their messages, plus ``updated_since``."""

from django import forms
from rest_framework.exceptions import ValidationError

from options.forms import OptionFilterForm
from publications.forms import PublicationFilterForm


class UpdatedSinceForm(forms.Form):
    updated_since = forms.DateTimeField(
        required=False,
        error_messages={"invalid": "Give a date and time such as 2026-01-31T09:00:00Z."},
    )

    def filter(self, queryset):
        since = self.cleaned_data.get("updated_since")
        return queryset.filter(updated_at__gte=since) if since else queryset


def _valid(*forms):
    """Every form valid, or a 400 naming each bad parameter with the reader pages' message."""
    errors = {}
    for form in forms:
        if not form.is_valid():
            errors.update({name: list(messages) for name, messages in form.errors.items()})
    if errors:
        raise ValidationError(errors)


def _no_nul(params):
    # The database drivers refuse NUL; such a value is a bad parameter, not a server error.
    bad = {
        name: ["Null characters are not allowed."]
        for name, value in params.items()
        if "\x00" in value
    }
    if bad:
        raise ValidationError(bad)


def filter_publications(queryset, params):
    """The publications chosen, and their order as field names (``sort``: the list page's
    choices), which cursor pagination needs: an expression is annotated as ``sort_key``."""
    _no_nul(params)
    form, since = PublicationFilterForm(params), UpdatedSinceForm(params)
    _valid(form, since)
    queryset = since.filter(form.filter(queryset))
    ordering = []
    for term in form.ordering:
        if not isinstance(term, str):
            queryset, term = queryset.annotate(sort_key=term), "sort_key"
        ordering.append(term)
    return queryset, tuple(ordering)


def filter_options(queryset, params):
    _no_nul(params)
    form, since = OptionFilterForm(params), UpdatedSinceForm(params)
    _valid(form, since)
    return since.filter(queryset.filter_by(**form.filters()))


def filter_updated(queryset, params):
    _no_nul(params)
    since = UpdatedSinceForm(params)
    _valid(since)
    return since.filter(queryset)
