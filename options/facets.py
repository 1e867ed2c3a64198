"""Counts for each reader filter, given the other filters: one query per filter."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Lower

from .models import PolicyOption, TaggedOption


@dataclass
class Facet:
    name: str
    label: str
    selected: str = ""
    values: list = field(default_factory=list)  # [(value, label, count), ...]


def _grouped(queryset, value_field, label_field, count_field="pk", order=()):
    rows = (
        queryset.order_by()
        .values(value_field, label_field)
        .annotate(n=Count(count_field, distinct=True))
        # "food security" beside "Food aid", not after every capitalised name.
        .order_by(*order, Lower(label_field), label_field)
    )
    return [(row[value_field], row[label_field], row["n"]) for row in rows]


def _by_choice(queryset, value_field, choices):
    counts = dict(
        queryset.order_by()
        .values(value_field)
        .annotate(n=Count("pk"))
        .values_list(value_field, "n")
    )
    return [(value, label, counts[value]) for value, label in choices if counts.get(value)]


def facet_counts(base, filters):
    """``base``: the visible options; ``filters``: OptionFilterForm.filters().

    Each facet counts the options matching every filter except its own, so a reader sees what
    choosing another value would give.
    """

    def others(name):
        return base.filter_by(**{k: v for k, v in filters.items() if k != name})

    actor_links = PolicyOption.actors.through.objects
    facets = [
        Facet(
            "question",
            "Question",
            values=_grouped(others("question"), "question__slug", "question__title"),
        ),
        Facet(
            "track",
            "Track",
            values=_grouped(others("track"), "track__slug", "track__name", order=["track__order"]),
        ),
        Facet(
            "level",
            "Level",
            values=_by_choice(others("level"), "level", PolicyOption.Level.choices),
        ),
        Facet(
            "timeframe",
            "Timeframe",
            values=_by_choice(others("timeframe"), "timeframe", PolicyOption.Timeframe.choices),
        ),
        Facet(
            "status",
            "Real-world status",
            values=_by_choice(
                others("status"), "real_world_status", PolicyOption.RealWorldStatus.choices
            ),
        ),
        Facet(
            "tag",
            "Tag",
            values=_grouped(
                TaggedOption.objects.filter(content_object__in=others("tag").values("pk")),
                "tag__slug",
                "tag__name",
                count_field="content_object_id",
            ),
        ),
        Facet(
            "actor",
            "Actor",
            values=_grouped(
                actor_links.filter(policyoption__in=others("actor").values("pk")),
                "actor__slug",
                "actor__name",
                count_field="policyoption_id",
            ),
        ),
    ]
    for facet in facets:
        value = filters.get(facet.name)
        if not value:
            continue
        facet.selected = getattr(value, "slug", value)
        if facet.selected not in {v for v, _, _ in facet.values}:
            # Keep the chosen value visible (and removable) even when nothing matches.
            facet.values.append((facet.selected, _label(facet.name, value), 0))
    return facets


def _label(name, value):
    choices = {
        "level": PolicyOption.Level,
        "timeframe": PolicyOption.Timeframe,
        "status": PolicyOption.RealWorldStatus,
    }
    if name in choices:
        return choices[name](value).label
    return str(value)
