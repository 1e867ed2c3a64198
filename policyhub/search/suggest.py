"""Prefix suggestions for the header search box: titles, people and tags readers can see."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from ..models import SearchDocument, SearchFacet

TITLE_LIMIT = 8
TAG_LIMIT = 4


def visible_documents(now=None):
    now = now or timezone.now()
    return SearchDocument.objects.filter(Q(published_at__lte=now) | Q(published_at__isnull=True))


def suggestions(prefix):
    """Up to a dozen {label, kind, url} dicts for titles or words starting with ``prefix``."""
    if not prefix:
        return []
    visible = visible_documents()
    documents = (
        visible.filter(Q(title__istartswith=prefix) | Q(title__icontains=f" {prefix}"))
        .annotate(
            starts=Case(
                When(title__istartswith=prefix, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("starts", "title")
        .values_list("kind", "title", "url")[:TITLE_LIMIT]
    )
    kinds = dict(SearchDocument.Kind.choices)
    found = [{"label": title, "kind": kinds[kind], "url": url} for kind, title, url in documents]
    # Only tags on something a reader can find: a tag used only on drafts stays private.
    tags = Tag.objects.filter(
        name__istartswith=prefix,
        pk__in=SearchFacet.objects.filter(facet=SearchFacet.Facet.TAG, document__in=visible).values(
            "value"
        ),
    ).order_by("name")[:TAG_LIMIT]
    found += [
        {"label": tag.name, "kind": "Tag", "url": reverse("tag", args=[tag.slug])} for tag in tags
    ]
    return found
