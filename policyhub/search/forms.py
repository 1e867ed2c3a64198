"""GET parameters of the search page and the suggest endpoint, validated before any query."""

import unicodedata

from django import forms
from taggit.models import Tag

from publications.forms import FilterLink, QueryStringMixin, SlugMultipleChoiceField
from publications.models import Person, PublicationType, Region, Topic

from .engine import SORTS
from .facets import MULTIPLE, Filters
from .models import SearchDocument


def without_control_characters(text):
    # NUL and other control characters would upset the database drivers; they are spaces here.
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


class QueryField(forms.CharField):
    """Free text that never fails validation: the query parser treats anything as words."""

    def __init__(self, *, max_chars, **kwargs):
        self.max_chars = max_chars
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = without_control_characters(str(value or "")[: self.max_chars])
        return " ".join(text.split())


class SearchForm(QueryStringMixin, forms.Form):
    q = QueryField(max_chars=1000, label="Search for")
    kind = forms.ChoiceField(
        choices=[("", "Everything"), *SearchDocument.Kind.choices], required=False
    )
    # Several values each: a result with any of them matches.
    type = SlugMultipleChoiceField(PublicationType.objects.all(), "publication type")
    topic = SlugMultipleChoiceField(Topic.objects.all(), "topic")
    region = SlugMultipleChoiceField(Region.objects.all(), "region")
    tag = SlugMultipleChoiceField(Tag.objects.all(), "tag")
    # Set per form: visible() holds the moment it was called at.
    author = SlugMultipleChoiceField(Person.objects.none(), "author")
    year = forms.IntegerField(min_value=1000, max_value=9999, required=False)
    sort = forms.ChoiceField(
        choices=list(zip(SORTS, ("Relevance", "Newest first"), strict=True)), required=False
    )
    page = forms.IntegerField(min_value=1, max_value=10**6, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].queryset = Person.objects.visible()

    def hidden_filters(self):
        """(name, value) of the filters the search box keeps when the words change."""
        return [
            (name, value)
            for name, value in self._kept_pairs("page")
            if name not in ("q", "sort") and name in self.fields
        ]

    def active_links(self):
        """Each chosen filter value, with the query that drops it (the page's others kept)."""
        data, links = self.cleaned_data, []
        if data.get("kind"):
            kinds = dict(SearchDocument.Kind.choices)
            links.append(FilterLink(f"Kind: {kinds[data['kind']]}", self.query_string("kind")))
        for name in MULTIPLE:
            label = self.fields[name].label or name.title()
            links += [
                FilterLink(f"{label}: {item}", self.toggle_string(name, item.slug))
                for item in data.get(name) or ()
            ]
        if data.get("year"):
            links.append(FilterLink(f"Year: {data['year']}", self.query_string("year")))
        return links

    def filters(self):
        data = self.cleaned_data

        def pk(name):
            return tuple(item.pk for item in data.get(name) or ())

        return Filters(
            kind=data.get("kind") or "",
            type=pk("type"),
            year=data.get("year"),
            topic=pk("topic"),
            region=pk("region"),
            tag=pk("tag"),
            author=pk("author"),
        )


class SuggestForm(forms.Form):
    q = QueryField(max_chars=60)
