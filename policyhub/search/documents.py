"""What goes into the search index for each kind of object, as plain text.

Every object is indexed, drafts included; what readers may see is decided at query time by
each source's ``visible()``, which asks the content's own ``published()``. So a scheduled item
appears at its time with no cron job, and publishing or unpublishing with ``queryset.update()``
(admin actions; no signals) takes effect at once. Each source also loads its objects in bulk
with a fixed number of queries and turns one into a document and its facet values.
"""

from dataclasses import dataclass, field
from html import unescape

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags

from options.models import PolicyOption
from publications.models import Authorship, Person, Publication, Region

from ..models import SearchDocument, SearchFacet

Kind = SearchDocument.Kind
Facet = SearchFacet.Facet


def plain_text(html):
    return " ".join(unescape(strip_tags(html or "")).split())


def _join(*parts):
    return "\n".join(part for part in parts if part)


@dataclass
class Entry:
    document: SearchDocument
    facets: list[tuple[str, int]] = field(default_factory=list)


class RegionTree:
    """Region parents loaded once, so a region's ancestors cost no queries per document."""

    def __init__(self):
        self.parent = dict(Region.objects.values_list("pk", "parent_id"))

    def with_ancestors(self, region_ids):
        found = set()
        for region_id in region_ids:
            while region_id is not None and region_id not in found:
                found.add(region_id)
                region_id = self.parent.get(region_id)
        return found


def _url(obj):
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        # Until a detail page exists (options:detail lands separately), point at the list.
        return reverse("options:list") + f"#{obj.slug}"


def _document(kind, obj, **fields):
    published_at = fields.pop("published_at", None)
    year = timezone.localtime(published_at).year if published_at else None
    return SearchDocument(
        kind=kind,
        object_id=obj.pk,
        url=_url(obj),
        published_at=published_at,
        year=year,
        **fields,
    )


def _names(objects):
    return ", ".join(str(obj) for obj in objects)


class PublicationSource:
    kind = Kind.PUBLICATION

    def visible(self, now):
        return Exists(Publication.objects.published(at=now).filter(pk=OuterRef("object_id")))

    def queryset(self):
        return (
            Publication.objects.all()
            .select_related("publication_type")
            .prefetch_related(
                Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
                "topics",
                "regions",
                "tags",
            )
        )

    def entry(self, publication, regions):
        authors = [authorship.person for authorship in publication.authorships.all()]
        topics, tags = list(publication.topics.all()), list(publication.tags.all())
        region_list = list(publication.regions.all())
        document = _document(
            self.kind,
            publication,
            title=publication.title,
            summary=publication.summary,
            meta=_join(
                publication.summary,
                _names(authors),
                _names(topics),
                _names(region_list),
                _names(tags),
            ),
            body=plain_text(publication.body),
            published_at=publication.published_at,
            type_id=publication.publication_type_id,
        )
        facets = [(Facet.TOPIC, t.pk) for t in topics] + [(Facet.TAG, t.pk) for t in tags]
        facets += [(Facet.AUTHOR, person.pk) for person in authors]
        facets += [(Facet.REGION, pk) for pk in regions.with_ancestors(r.pk for r in region_list)]
        return Entry(document, facets)


class OptionSource:
    kind = Kind.OPTION

    def visible(self, now):
        options = PolicyOption.objects.visible(at=now)
        return Exists(options.filter(pk=OuterRef("object_id")))

    def queryset(self):
        return (
            PolicyOption.objects.all()
            .select_related("question", "track")
            .prefetch_related("tags", "actors", "question__regions")
        )

    def entry(self, option, regions):
        tags = list(option.tags.all())
        question_regions = list(option.question.regions.all())
        document = _document(
            self.kind,
            option,
            title=option.title,
            summary=option.summary,
            meta=_join(
                option.summary,
                _names(tags),
                option.track.name,
                option.question.title,
                _names(option.actors.all()),
                _names(question_regions),
            ),
            body=_join(
                plain_text(option.description),
                option.goals,
                option.risks,
                option.conditions,
                option.status_note,
            ),
            # Shown and sorted by: readers see an option once it and its question are out.
            published_at=max(
                (t for t in (option.published_at, option.question.published_at) if t),
                default=None,
            ),
        )
        facets = [(Facet.TAG, tag.pk) for tag in tags]
        ids = regions.with_ancestors(r.pk for r in question_regions)
        facets += [(Facet.REGION, pk) for pk in ids]
        return Entry(document, facets)


class PersonSource:
    """People are public records: every one is indexed, with no publish time."""

    kind = Kind.PERSON

    def visible(self, now):
        return Q()

    def queryset(self):
        return Person.objects.all()

    def entry(self, person, regions):
        document = _document(
            self.kind,
            person,
            title=person.name,
            summary=person.role_line,
            meta=person.role_line,
            body=person.bio,
        )
        return Entry(document)


SOURCES = {source.kind: source for source in (PublicationSource(), OptionSource(), PersonSource())}


def visible_documents(now=None):
    """Documents readers may see now, checked against the content itself at query time.

    The index alone would do for anything saved through the ORM, but bulk updates (an admin
    action publishing or unpublishing with ``queryset.update()``) send no signals: asking the
    content's own ``published()`` keeps drafts out and scheduled items in on time regardless.
    """
    now = now or timezone.now()
    visible = Q(pk__in=[])
    for kind, source in SOURCES.items():
        visible |= Q(source.visible(now), kind=kind)
    return SearchDocument.objects.filter(visible)
