"""The publication list's GET parameters: validated here, turned into filters and facet counts."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator
from taggit.models import Tag

from policyhub.editorial import datacache

from .models import (
    Authorship,
    Expertise,
    Person,
    Publication,
    PublicationType,
    Region,
    TaggedPublication,
    Topic,
)

SLUG_RE = re.compile(r"^[-\w]{1,300}$")


def shown_value(value):
    # Error messages echo the value; keep garbage input short.
    return Truncator(str(value)).chars(40)


class SlugChoiceField(forms.ModelChoiceField):
    """A model chosen by slug, for GET filters. Anything that cannot be a slug is refused before
    the database sees it (a NUL byte would make PostgreSQL raise); the error names the missing
    value ("No topic called “nope”.")."""

    def __init__(self, queryset, noun, **kwargs):
        super().__init__(
            queryset,
            to_field_name="slug",
            required=False,
            error_messages={"invalid_choice": f"No {noun} called “%(value)s”."},
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if "\x00" in str(value):
            raise ValidationError("Null characters are not allowed.", code="null_characters")
        invalid = ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": shown_value(value)},
        )
        if not SLUG_RE.match(str(value)):
            raise invalid
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise invalid from error


class SlugMultipleChoiceField(forms.Field):
    """Any of several models chosen by slug (``?topic=aid&topic=trade``), for GET filters. Each
    value is checked as SlugChoiceField checks one; the error names every unknown one. At most
    ``max_values``, so that a URL cannot ask for a thousand (nor key a thousand cache entries).
    Cleaned to a list ordered by slug: the same choice in another order is the same page."""

    widget = forms.MultipleHiddenInput

    def __init__(self, queryset, noun, plural=None, max_values=10, **kwargs):
        self.queryset, self.noun, self.max_values = queryset, noun, max_values
        self.plural = plural or f"{noun}s"
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return list(dict.fromkeys(str(v) for v in values if v not in self.empty_values))

    def validate(self, value):
        if any("\x00" in v for v in value):
            raise ValidationError("Null characters are not allowed.", code="null_characters")
        if len(value) > self.max_values:
            raise ValidationError(
                f"Choose at most {self.max_values} {self.plural}.", code="too_many"
            )

    def clean(self, value):
        slugs = super().clean(value)
        found = {}
        wellformed = [slug for slug in slugs if SLUG_RE.match(slug)]
        if wellformed:
            found = {item.slug: item for item in self.queryset.filter(slug__in=wellformed)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            names = ", ".join(f"“{shown_value(slug)}”" for slug in missing[:3])
            raise ValidationError(f"No {self.noun} called {names}.", code="invalid_choice")
        return [found[slug] for slug in sorted(found)]


def published_tags():
    """Tags on at least one published publication: a tag used only by drafts does not exist."""
    # EXISTS, not IN: a lookup by slug then stops at the tag's first published publication
    # instead of SQLite listing every published id first.
    return Tag.objects.filter(
        models.Exists(
            TaggedPublication.objects.filter(
                models.Exists(
                    Publication.objects.published().filter(pk=models.OuterRef("content_object"))
                ),
                tag=models.OuterRef("pk"),
            )
        )
    )


@dataclass
class FacetOption:
    slug: str
    name: str
    count: int
    active: bool
    # Choosing an option adds it to that filter (any of the chosen values matches); choosing an
    # active one removes it.
    query_string: str


@dataclass
class FilterLink:
    """An active filter or a rejected value, with the query that drops it."""

    label: str
    query_string: str


@dataclass
class Facet:
    param: str
    label: str
    options: list[FacetOption] = field(default_factory=list)


class QueryStringMixin:
    """Links to the current GET query with one parameter changed, for a bound form."""

    def query_string(self, param, value=None):
        """``?…`` for the current query with ``param`` set to ``value`` (None removes it) and the
        page reset; "" when nothing is left. Built from pairs: a listing has a hundred of these
        links, and copying the request's QueryDict for each was a fifth of the page's time."""
        pairs = self._kept_pairs(param)
        if value is not None:
            pairs = [*pairs, (param, value)]
        return "?" + urlencode(pairs) if pairs else ""

    def toggle_string(self, param, value):
        """``?…`` for the current query with ``value`` added to ``param``'s values, or removed
        when it is one of them, and the page reset; "" when nothing is left."""
        pairs = self._kept_pairs("page")
        if (param, value) in pairs:
            pairs = [pair for pair in pairs if pair != (param, value)]
        else:
            pairs = [*pairs, (param, value)]
        return "?" + urlencode(pairs) if pairs else ""

    def _kept_pairs(self, dropped):
        if not hasattr(self, "_pairs_without"):
            data = self.data
            if isinstance(data, QueryDict):
                lists = list(data.lists())
            else:
                lists = [(k, v if isinstance(v, list) else [v]) for k, v in data.items()]
            self._all_pairs = [(key, value) for key, values in lists for value in values]
            self._pairs_without = {}
        if dropped not in self._pairs_without:
            self._pairs_without[dropped] = [
                (key, value) for key, value in self._all_pairs if key not in ("page", dropped)
            ]
        return self._pairs_without[dropped]


class PublicationFilterForm(QueryStringMixin, forms.Form):
    FILTERS = ("type", "topic", "region", "tag", "author", "year")
    # Several values of these may be chosen: a publication with any of them matches.
    MULTIPLE = ("type", "topic", "region", "tag", "author")
    # Long facets show their most used values only (plus the selected ones).
    FACET_LIMIT = 15
    SORTS = {
        "newest": ("-published_at", "-pk"),
        "oldest": ("published_at", "pk"),
        "title": (Lower("title"), "pk"),
    }

    type = SlugMultipleChoiceField(PublicationType.objects.all(), "publication type")
    topic = SlugMultipleChoiceField(Topic.objects.all(), "topic")
    region = SlugMultipleChoiceField(Region.objects.all(), "region")
    tag = SlugMultipleChoiceField(Tag.objects.none(), "tag")
    # Set per form: visible() holds the moment it was called at.
    author = SlugMultipleChoiceField(Person.objects.none(), "author")
    year = forms.IntegerField(
        required=False,
        min_value=1900,
        max_value=2999,
        error_messages={
            "invalid": "The year must be a number such as 2024.",
            "min_value": "No publications before %(limit_value)s.",
            "max_value": "No publications after %(limit_value)s.",
        },
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title, A–Z")],
        required=False,
        error_messages={"invalid_choice": "Sort by newest, oldest or title."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = published_tags()
        self.fields["author"].queryset = Person.objects.visible()

    def error_links(self):
        return [
            FilterLink(label=" ".join(errors), query_string=self.query_string(name))
            for name, errors in self.errors.items()
        ]

    def active_links(self):
        links = []
        for name, value in self.active_filters.items():
            label = self.fields[name].label or name.title()
            if name in self.MULTIPLE:
                links += [
                    FilterLink(f"{label}: {item}", self.toggle_string(name, item.slug))
                    for item in value
                ]
            else:
                links.append(FilterLink(f"{label}: {value}", self.query_string(name)))
        return links

    @property
    def active_filters(self):
        """The valid, non-empty filters (an invalid one is left out, reported by error_links)."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.FILTERS if cleaned.get(name)}

    @property
    def ordering(self):
        return self.SORTS[getattr(self, "cleaned_data", {}).get("sort") or "newest"]

    def filter(self, queryset, skip=None):
        """Apply every valid filter except ``skip`` (facets count with their own filter off)."""
        chosen = self.active_filters
        chosen.pop(skip, None)
        if "type" in chosen:
            queryset = queryset.filter(publication_type__in=chosen["type"])
        if "topic" in chosen:
            queryset = queryset.with_topic(chosen["topic"])
        if "region" in chosen:
            queryset = queryset.in_regions(self.region_ids)
        if "tag" in chosen:
            queryset = queryset.with_tag(chosen["tag"])
        if "author" in chosen:
            queryset = queryset.by_author(chosen["author"])
        if "year" in chosen:
            queryset = queryset.filter(published_at__year=chosen["year"])
        return queryset

    @property
    def region_ids(self):
        """The chosen regions' ids and those of every region under them."""
        if not hasattr(self, "_region_ids"):
            self._region_ids = Region.descendant_ids_of(
                region.pk for region in self.cleaned_data["region"]
            )
        return self._region_ids

    def _selected(self, param):
        """The chosen values of a facet, as its rows key them (slugs, or the year)."""
        value = self.active_filters.get(param)
        if param in self.MULTIPLE:
            return {item.slug for item in value or ()}
        return {value} if value else set()

    def facets(self):
        """Each filter's values with the number of published results they would give alongside
        the other active filters: one aggregate query per facet (two for regions), or none when
        the counts for these filters are cached (``datacache``)."""

        def build(param, label, rows, key="slug", name="name"):
            selected = self._selected(param)
            multiple = param in self.MULTIPLE
            options = []
            for row in rows:
                active, value = row[key] in selected, str(row[key])
                if multiple:
                    query_string = self.toggle_string(param, value)
                else:
                    query_string = self.query_string(param, None if active else value)
                options.append(
                    FacetOption(
                        slug=value,
                        name=row[name],
                        count=row["count"],
                        active=active,
                        query_string=query_string,
                    )
                )
            return Facet(param=param, label=label, options=options)

        counts = datacache.remember(self.facet_cache_name(), self.facet_counts, counts=True)
        years = [{**row, "name": str(row["year"])} for row in counts["year"]]
        return [
            build("type", "Type", counts["type"]),
            build("topic", "Topic", counts["topic"]),
            build("region", "Region", counts["region"]),
            build("tag", "Tag", counts["tag"]),
            build("author", "Author", counts["author"]),
            build("year", "Year", years, key="year"),
        ]

    def facet_counts(self):
        """Each facet's shown rows: the most used values, plus the selected one wherever it ranks.

        Trimmed here, before caching: with thousands of authors and tags, reading back (unpickling)
        every row on each request cost more than building the page around them.
        """
        now = timezone.now()
        queryset = Publication.objects.published(at=now)

        def shown(param, rows, key="slug"):
            selected = self._selected(param)
            top = rows[: self.FACET_LIMIT]
            return top + [row for row in rows[self.FACET_LIMIT :] if row[key] in selected]

        def counted(param, relation):
            filtered = self.filter(queryset, param)
            everything = Publication.objects
            if relation == "regions":
                if filtered is queryset:  # no other filter: every published publication
                    return everything.count_published_by_region(at=now)
                return filtered.count_by_region()
            # Types are a column of the publication itself, read with its status from one index:
            # subtracting would read every row twice.
            if filtered is queryset and relation != "publication_type":
                return everything.count_published_by(relation, at=now)
            return filtered.count_by(relation)

        return {
            "type": shown("type", counted("type", "publication_type")),
            "topic": shown("topic", counted("topic", "topics")),
            "region": shown("region", counted("region", "regions")),
            "tag": shown("tag", counted("tag", "tags")),
            "author": shown("author", counted("author", "authors")),
            "year": shown("year", self.filter(queryset, "year").count_by_year(), key="year"),
        }

    def facet_cache_name(self):
        """What the counts depend on besides the content: the valid filters, by slug (``?topic=aid``
        and ``?topic=aid&page=3&utm=x`` share an entry)."""
        chosen = {
            name: ",".join(item.slug for item in value) if name in self.MULTIPLE else value
            for name, value in self.active_filters.items()
        }
        return "publication-facets:" + "&".join(f"{k}={v}" for k, v in sorted(chosen.items()))


class PersonDirectoryForm(QueryStringMixin, forms.Form):
    """The experts directory's GET parameters: filters by topic, region, expertise and role, a
    name search and an initial letter."""

    FILTERS = ("topic", "region", "expertise", "kind", "letter", "q")

    topic = SlugChoiceField(Topic.objects.all(), "topic")
    region = SlugChoiceField(Region.objects.all(), "region")
    expertise = SlugChoiceField(Expertise.objects.all(), "area of expertise")
    kind = forms.ChoiceField(
        label="Role",
        choices=Person.Kind.choices,
        required=False,
        error_messages={"invalid_choice": "No role called “%(value)s”."},
    )
    letter = forms.RegexField(
        regex=r"^[A-Za-z]$",
        required=False,
        error_messages={"invalid": "Choose a letter from A to Z."},
    )
    q = forms.CharField(
        label="Name",
        required=False,
        max_length=100,
        strip=True,
        error_messages={"max_length": "Search for at most %(limit_value)d characters of a name."},
    )

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise ValidationError("Null characters are not allowed.", code="null_characters")
        return value

    def clean_letter(self):
        return self.cleaned_data["letter"].upper()

    def error_links(self):
        return [
            FilterLink(label=" ".join(errors), query_string=self.query_string(name))
            for name, errors in self.errors.items()
        ]

    @property
    def active_filters(self):
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in self.FILTERS if cleaned.get(name)}

    def active_links(self):
        labels = {
            "topic": "Topic",
            "region": "Region",
            "expertise": "Expertise",
            "kind": "Role",
            "letter": "Letter",
        }
        kinds = dict(Person.Kind.choices)
        links = []
        for name, value in self.active_filters.items():
            shown = kinds.get(value, value) if name == "kind" else value
            label = f"Name: “{value}”" if name == "q" else f"{labels[name]}: {shown}"
            links.append(FilterLink(label=label, query_string=self.query_string(name)))
        return links

    def people(self, skip=None):
        """Visible people matching every valid filter except ``skip``."""
        chosen = self.active_filters
        chosen.pop(skip, None)
        published = Publication.objects.published()
        people = Person.objects.visible()
        if "topic" in chosen:
            people = people.filter(
                pk__in=Authorship.objects.filter(
                    publication__in=published.with_topic(chosen["topic"])
                ).values("person_id")
            )
        if "region" in chosen:
            people = people.filter(
                pk__in=Authorship.objects.filter(
                    publication__in=published.in_regions(self.region_ids)
                ).values("person_id")
            )
        if "expertise" in chosen:
            people = people.filter(expertise=chosen["expertise"])
        if "kind" in chosen:
            people = people.filter(kind=chosen["kind"])
        if "letter" in chosen:
            people = people.filter(name__istartswith=chosen["letter"])
        if "q" in chosen:
            for word in chosen["q"].split()[:5]:
                people = people.filter(name__icontains=word)
        return people

    @property
    def region_ids(self):
        if not hasattr(self, "_region_ids"):
            self._region_ids = self.cleaned_data["region"].descendant_ids()
        return self._region_ids

    def facets(self):
        """Topic, region, expertise and role with how many people each would list alongside the
        other filters: one query per facet whatever the number of people."""
        active = self.active_filters
        published = Publication.objects.published()

        def pairs(through, column, people):
            # (value, person) pairs from the people's published publications, counted here:
            # at most people × values rows, and a person counts once per value.
            return set(
                through.objects.filter(
                    publication__in=published,
                    publication__authorships__person__in=people,
                ).values_list(column, "publication__authorships__person")
            )

        def option(param, slug, name, count):
            selected = getattr(active.get(param), "slug", active.get(param))
            return FacetOption(
                slug=slug,
                name=name,
                count=count,
                active=slug == selected,
                query_string=self.query_string(param, None if slug == selected else slug),
            )

        topics = {}
        for topic_id, person_id in pairs(
            Publication.topics.through, "topic_id", self.people("topic").values("pk")
        ):
            topics.setdefault(topic_id, set()).add(person_id)
        regions = {}
        for region_id, person_id in pairs(
            Publication.regions.through, "region_id", self.people("region").values("pk")
        ):
            regions.setdefault(region_id, set()).add(person_id)
        all_regions = {region.pk: region for region in Region.objects.all()}
        # A person writing on Korea counts under Asia too, once.
        region_people = {}
        for region_id, people in regions.items():
            node, seen = all_regions.get(region_id), set()
            while node is not None and node.pk not in seen:
                seen.add(node.pk)
                region_people.setdefault(node.pk, set()).update(people)
                node = all_regions.get(node.parent_id)
        topic_rows = Topic.objects.filter(pk__in=topics).only("slug", "name")
        expertise_rows = (
            Expertise.objects.filter(people__in=self.people("expertise").values("pk"))
            .annotate(count=models.Count("people", distinct=True))
            .only("slug", "name")
        )
        kinds = dict(
            self.people("kind").order_by().values_list("kind").annotate(n=models.Count("pk"))
        )

        def ranked(rows):
            rows = sorted(rows, key=lambda row: (-row.count, row.name))
            limit = PublicationFilterForm.FACET_LIMIT
            return rows[:limit] + [row for row in rows[limit:] if row.active]

        return [
            Facet(
                "topic",
                "Topic",
                ranked(option("topic", t.slug, t.name, len(topics[t.pk])) for t in topic_rows),
            ),
            Facet(
                "region",
                "Region",
                ranked(
                    option("region", all_regions[pk].slug, all_regions[pk].name, len(people))
                    for pk, people in region_people.items()
                ),
            ),
            Facet(
                "expertise",
                "Expertise",
                ranked(
                    option("expertise", row.slug, row.name, row.count) for row in expertise_rows
                ),
            ),
            Facet(
                "kind",
                "Role",
                [
                    option("kind", value, label, kinds[value])
                    for value, label in Person.Kind.choices
                    if kinds.get(value)
                ],
            ),
        ]
