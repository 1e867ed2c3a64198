"""Suggestions for the header search box: titles, people and tags readers can see.

A title (or a person's name) matches when any of its words starts with what was typed, in
``SearchDocument.title_words`` (folded: no case, no accents); titles that start with it come
first. Tags are matched the same way in Python: a site has thousands of them, not millions.
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .documents import visible_documents
from .models import SearchDocument, SearchFacet, fold

TITLE_LIMIT = 12
TAG_LIMIT = 4
TAG_CANDIDATES = 100
Kind = SearchDocument.Kind


def _titles(visible, folded):
    # LIKE '% word%' in a subquery of ids: PostgreSQL answers it from its trigram index, SQLite
    # by scanning the narrow title_words index instead of the rows (half the time at 100k).
    matching = SearchDocument.objects.filter(title_words__contains=folded).values("pk")
    starts = Case(
        When(title_words__startswith=folded, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(
        visible.filter(pk__in=matching)
        .annotate(starts=starts)
        .order_by("starts", "title_words", "pk")
        .values_list("kind", "title", "url")[:TITLE_LIMIT]
    )


def _tags(folded, now):
    matching = []
    for pk, name in Tag.objects.values_list("pk", "name"):
        folded_name = fold(name)
        if folded in folded_name:
            matching.append((not folded_name.startswith(folded), folded_name, pk))
    # Only tags on something a reader can find: a tag used only on drafts stays private.
    on_visible = SearchFacet.objects.filter(
        facet=SearchFacet.Facet.TAG, value=OuterRef("pk"), document__in=visible_documents(now)
    )
    # Bounded: a tag only drafts use may take a place, so keep some to spare.
    ids = [pk for *_, pk in sorted(matching)[:TAG_CANDIDATES]]
    found = {tag.pk: tag for tag in Tag.objects.filter(Exists(on_visible), pk__in=ids)}
    return [found[pk] for pk in ids if pk in found][:TAG_LIMIT]


def suggestions(prefix):
    """Up to 16 {label, kind, url} dicts for titles, names or tags with a word starting
    with ``prefix``."""
    folded = fold(prefix)
    if not folded:
        return []
    now = timezone.now()
    kinds = dict(Kind.choices)
    found = [
        {"label": title, "kind": kinds[kind], "url": url}
        for kind, title, url in _titles(visible_documents(now), folded)
    ]
    found += [
        {"label": tag.name, "kind": "Tag", "url": reverse("tag", args=[tag.slug])}
        for tag in _tags(folded, now)
    ]
    return found
