"""Facet counts for the current query, and their labels (one query per facet with values)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from taggit.models import Tag

from publications.models import Person, PublicationType, Region, Topic

from .models import SearchDocument

OPTIONS_SHOWN = 12
# Facet name in the index -> the model its values point at.
FACET_MODELS = {"topic": Topic, "region": Region, "tag": Tag, "author": Person}
FACET_LABELS = {"topic": "Topic", "region": "Region", "tag": "Tag", "author": "Author"}


@dataclass(frozen=True)
class Filters:
    """Validated filter values, as ids (the form turns slugs into objects)."""

    kind: str = ""
    type: int | None = None
    year: int | None = None
    topic: int | None = None
    region: int | None = None
    tag: int | None = None
    author: int | None = None

    def facet_values(self):
        return [(name, getattr(self, name)) for name in FACET_MODELS if getattr(self, name)]


@dataclass
class FacetCounts:
    total: int = 0
    kinds: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    years: Counter = field(default_factory=Counter)
    facets: dict = field(default_factory=lambda: defaultdict(Counter))
    approximate: bool = False  # type/year/topic/region/tag/author counts from a sample

    def add_document_row(self, type_id, year, count):
        if type_id:
            self.types[type_id] += count
        if year:
            self.years[year] += count

    def add_facet_row(self, facet, value, count):
        self.facets[facet][value] += count


@dataclass
class FacetOption:
    value: str  # what goes in the URL
    label: str
    count: int
    selected: bool
    url: str = ""


@dataclass
class FacetGroup:
    param: str
    label: str
    options: list
    approximate: bool = False


def _top(counter, selected):
    """The most frequent values, keeping a selected one even if it falls outside the top."""
    top = [value for value, _ in counter.most_common(OPTIONS_SHOWN)]
    if selected and selected not in top and selected in counter:
        top.append(selected)
    return top


def _model_group(param, label, model, counter, selected):
    ids = _top(counter, selected)
    if not ids:
        return FacetGroup(param, label, []), {}
    rows = model.objects.filter(pk__in=ids).values_list("pk", "slug", "name")
    names = {pk: (slug, name) for pk, slug, name in rows}
    # Most used first; ties by name, whatever its case.
    ordered = sorted(
        (pk for pk in ids if pk in names), key=lambda pk: (-counter[pk], names[pk][1].casefold())
    )
    options = [
        FacetOption(names[pk][0], names[pk][1], counter[pk], pk == selected) for pk in ordered
    ]
    group = FacetGroup(param, label, options)
    return group, {pk: name for pk, (_, name) in names.items()}


def facet_groups(counts, filters):
    """Display groups in page order, and the type names (hits show them)."""
    kinds = [
        FacetOption(kind, label, counts.kinds[kind], kind == filters.kind)
        for kind, label in SearchDocument.Kind.choices
        if counts.kinds[kind]
    ]
    groups = [FacetGroup("kind", "Kind", kinds)]
    type_group, type_names = _model_group(
        "type", "Type", PublicationType, counts.types, filters.type
    )
    type_group.approximate = counts.approximate
    groups.append(type_group)
    for name, model in FACET_MODELS.items():
        counter = counts.facets.get(name, Counter())
        group = _model_group(name, FACET_LABELS[name], model, counter, getattr(filters, name))[0]
        group.approximate = counts.approximate
        groups.append(group)
    years = sorted(counts.years, reverse=True)
    groups.append(
        FacetGroup(
            "year",
            "Year",
            [FacetOption(str(y), str(y), counts.years[y], y == filters.year) for y in years],
            approximate=counts.approximate,
        )
    )
    return [group for group in groups if group.options], type_names
