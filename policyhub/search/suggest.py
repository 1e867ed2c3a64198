"""Prefix suggestions for the header search box: titles, people and tags readers can see.

Three small queries, each bounded by an index rather than the size of the site: titles by a
range on lower(title), people (a few thousand rows at most) by the start of any name, and
tags by name, each kept only if something visible carries it.
"""

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from .documents import visible_documents
from .models import SearchDocument, SearchFacet

TITLE_LIMIT = 8
PEOPLE_LIMIT = 4
TAG_LIMIT = 4
Kind = SearchDocument.Kind


def _titles(visible, prefix):
    # A range, not LIKE: both databases walk the lower(title) index for it. The startswith
    # keeps the result right under collations that order differently from code points.
    documents = visible.annotate(title_lower=Lower("title")).filter(
        title_lower__gte=prefix, title_lower__startswith=prefix
    )
    following = ord(prefix[-1]) + 1
    if following < 0xD800 or 0xDFFF < following <= 0x10FFFF:  # a character a driver accepts
        documents = documents.filter(title_lower__lt=prefix[:-1] + chr(following))
    return list(
        documents.order_by("title_lower", "pk").values_list("kind", "title", "url")[:TITLE_LIMIT]
    )


def _people(visible, prefix, exclude):
    people = (
        visible.filter(kind=Kind.PERSON, title__icontains=f" {prefix}")
        .order_by("title", "pk")
        .values_list("kind", "title", "url")[:PEOPLE_LIMIT]
    )
    return [row for row in people if row not in exclude]


def _tags(prefix, now):
    # Only tags on something a reader can find: a tag used only on drafts stays private.
    on_visible = SearchFacet.objects.filter(
        facet=SearchFacet.Facet.TAG, value=OuterRef("pk"), document__in=visible_documents(now)
    )
    return Tag.objects.filter(Exists(on_visible), name__istartswith=prefix).order_by("name")[
        :TAG_LIMIT
    ]


def suggestions(prefix):
    """Up to 16 {label, kind, url} dicts for titles or names starting with ``prefix``."""
    prefix = prefix.lower()
    if not prefix:
        return []
    now = timezone.now()
    visible = visible_documents(now)
    titles = _titles(visible, prefix)
    rows = titles + _people(visible, prefix, set(titles))
    kinds = dict(Kind.choices)
    found = [{"label": title, "kind": kinds[kind], "url": url} for kind, title, url in rows]
    found += [
        {"label": tag.name, "kind": "Tag", "url": reverse("tag", args=[tag.slug])}
        for tag in _tags(prefix, now)
    ]
    return found
