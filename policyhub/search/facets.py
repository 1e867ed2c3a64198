"""Facet counts for the current query, and their labels (one query per facet with values)."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from taggit.models import Tag

from publications.models import Person, PublicationType, Region, Topic

from .models import SearchDocument

OPTIONS_SHOWN = 12
# Facet name in the index -> the model its values point at.
FACET_MODELS = {"topic": Topic, "region": Region, "tag": Tag, "author": Person}
FACET_LABELS = {"topic": "Topic", "region": "Region", "tag": "Tag", "author": "Author"}


# Filters that take several values (any of them matches), counted with their own values off.
MULTIPLE = ("type", *FACET_MODELS)


@dataclass(frozen=True)
class Filters:
    """Validated filter values, as ids (the form turns slugs into objects). The filters in
    MULTIPLE hold a sorted tuple of ids; one id is taken as a tuple of one."""

    kind: str = ""
    type: tuple = ()
    year: int | None = None
    topic: tuple = ()
    region: tuple = ()
    tag: tuple = ()
    author: tuple = ()

    def __post_init__(self):
        for name in MULTIPLE:
            value = getattr(self, name)
            ids = () if value is None else (value,) if isinstance(value, int) else value
            object.__setattr__(self, name, tuple(sorted(set(ids))))

    def facet_values(self):
        return [(name, getattr(self, name)) for name in FACET_MODELS if getattr(self, name)]

    def chosen_multiple(self):
        """The names of the filters with several-value choices made."""
        return [name for name in MULTIPLE if getattr(self, name)]

    def without(self, name):
        return replace(self, **{name: ()})


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
    """The most frequent values, keeping the selected ones even if they fall outside the top."""
    top = [value for value, _ in counter.most_common(OPTIONS_SHOWN)]
    return top + [value for value in selected if value not in top and value in counter]


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
        FacetOption(names[pk][0], names[pk][1], counter[pk], pk in selected) for pk in ordered
    ]
    group = FacetGroup(param, label, options)
    return group, {pk: name for pk, (_, name) in names.items()}


def facet_groups(counts, filters, own_counts=None):
    """Display groups in page order, and the type names (hits show them). ``own_counts``: for a
    filter with values chosen, the counts with that filter off (``{name: FacetCounts}``), so
    that each value shows what choosing it too would find."""
    own_counts = own_counts or {}
    kinds = [
        FacetOption(kind, label, counts.kinds[kind], kind == filters.kind)
        for kind, label in SearchDocument.Kind.choices
        if counts.kinds[kind]
    ]
    groups = [FacetGroup("kind", "Kind", kinds)]
    source = own_counts.get("type", counts)
    type_group, type_names = _model_group(
        "type", "Type", PublicationType, source.types, filters.type
    )
    type_group.approximate = source.approximate
    groups.append(type_group)
    for name, model in FACET_MODELS.items():
        source = own_counts.get(name, counts)
        counter = source.facets.get(name, Counter())
        group = _model_group(name, FACET_LABELS[name], model, counter, getattr(filters, name))[0]
        group.approximate = source.approximate
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
