"""What goes into the search index for each kind of object, as plain text.

Every object is indexed, drafts included; what readers may see is decided at query time by
``published()`` (for publications applied to the status and time that database triggers copy
into the document row, see triggers.py; for options and people asked of their own tables). So
a scheduled item appears at its time with no cron job, and publishing or unpublishing with
``queryset.update()`` (admin actions; no signals) takes effect at once. Each source also loads
its objects in bulk with a fixed number of queries and turns one into a document and its facet
values.
"""

import re
from dataclasses import dataclass, field
from html import unescape

import nh3
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from options.models import PolicyOption
from policyhub.documents.models import Document, PublicationDocument
from policyhub.editorial.models import PublishableQuerySet
from publications.models import (
    Authorship,
    Person,
    PersonQuerySet,
    Publication,
    Region,
    TaggedPublication,
    Topic,
)

from .models import SearchDocument, SearchFacet, title_words

Kind = SearchDocument.Kind
Facet = SearchFacet.Facet


# Tags that end a block of text: a heading, paragraph or list item runs into the next one unless
# something stands between them in the plain text (snippets show it). A footnote (the one span
# rich text keeps) stands apart from the word it follows.
BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|dt|dd|blockquote|pre|tr|th|td|caption|figcaption|br|hr|span)\b[^>]*>",
    re.IGNORECASE,
)
BLOCK_MARK = "\ue000"  # a private-use character: never in content, kept by nh3
BLOCK_SEPARATOR = " · "


def plain_text(html):
    # nh3 with no allowed tags gives the text of the sanitised HTML rich text fields store, as
    # strip_tags() does, at a fraction of the cost (it dominated a 100,000-item rebuild).
    text = unescape(nh3.clean(BLOCK_TAG.sub(BLOCK_MARK, html or ""), tags=set()))
    blocks = (" ".join(block.split()) for block in text.split(BLOCK_MARK))
    return BLOCK_SEPARATOR.join(block for block in blocks if block)


def _join(*parts):
    return "\n".join(part for part in parts if part)


# PostgreSQL refuses a tsvector over 1 MB, and with it the whole document row, whose vector is
# a generated column. There the attached documents' text stops before the first page that
# would take an estimate of its vector past this, leaving room for the item's own fields.
# SQLite's FTS5 has no such limit.
VECTOR_BUDGET = 700_000
# A word costs the vector at most about four bytes a character of text: shorter text is safe.
VECTOR_SAFE_CHARS = VECTOR_BUDGET // 4
WORD = re.compile(r"\w+")
MAX_POSITION = 16383


def _files_text(documents):
    """The ``files`` column: each attached document's title, description and pages, or None."""
    parts = [part for title, desc, pages in documents for part in (title, desc, *pages)]
    text = _join(*parts)
    if connection.vendor == "postgresql" and len(text) > VECTOR_SAFE_CHARS:
        text = _join(*_within_vector_budget(parts))
    return text or None


def _within_vector_budget(parts):
    """The leading parts whose text PostgreSQL can hold in one vector, by an upper estimate of
    its size: per distinct word its entry and bytes, and per occurrence a position, at most 256
    a word; positions past 16,383 all read 16,383, one more a word."""
    counts, clamped, size, position = {}, set(), 0, 0
    for part in parts:
        for word in WORD.findall(part.lower()):
            seen = counts.get(word, 0)
            if not seen:
                size += 8 + len(word.encode())
            if position < MAX_POSITION:
                size += 2 if seen < 256 else 0
            elif word not in clamped:
                clamped.add(word)
                size += 2
            counts[word] = seen + 1
            position += 1
        if size > VECTOR_BUDGET:
            return
        yield part


def _attached_documents(publication_ids):
    """{publication id: [(title, description, page texts), ...]} in display order."""
    found = {}
    for publication_id, title, description, pages in (
        PublicationDocument.objects.filter(publication_id__in=publication_ids)
        .order_by("order", "pk")
        .values_list(
            "publication_id", "document__title", "document__description", "document__page_texts"
        )
    ):
        found.setdefault(publication_id, []).append((title, description, pages or []))
    return found


@dataclass
class Entry:
    document: SearchDocument
    facets: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class FoundInDocument:
    """Where a publication's match is, when it is in an attached document: shown with the hit."""

    label: str
    title: str
    page: int  # the text part, from 1: a PDF's page
    place: str  # "page 40", "the sheet “Budget”", "chapter 3", "rows 2–480"
    snippet: str  # safe HTML, terms marked
    url: str  # the file, a PDF opened at the page
    type_label: str = "PDF"

    @property
    def preposition(self):
        return "on" if self.place.startswith("page ") else "in"


def found_in_documents(publication_ids, finder, highlighter):
    """{publication id: FoundInDocument} for the page of the publications' attached documents
    that best shows the search (``snippets.PageFinder``): the first, in display order, that holds
    all of it, else the one holding most. Asked only for the few hits of a result page that
    their own fields do not explain."""
    waiting = {}
    for attachment in (
        PublicationDocument.objects.filter(publication_id__in=publication_ids)
        .select_related("document")
        .defer("document__page_texts")
        .order_by("publication_id", "order", "pk")
    ):
        waiting.setdefault(attachment.publication_id, []).append(attachment)
    best = {}
    # Each publication's documents in turn, one query a round for all of them: a report's
    # pages are read only while no earlier document of the publication holds the whole query.
    while waiting:
        turn = {publication_id: queue.pop(0) for publication_id, queue in waiting.items()}
        pages = dict(
            Document.objects.filter(pk__in={a.document_id for a in turn.values()}).values_list(
                "pk", "page_texts"
            )
        )
        for publication_id, attachment in turn.items():
            for number, text in enumerate(pages.get(attachment.document_id) or [], start=1):
                found = finder.score(text)
                if found is None:
                    continue
                score, at = found
                if publication_id not in best or score > best[publication_id][0]:
                    best[publication_id] = (score, attachment, number, text, at)
                    if finder.is_complete(score):
                        break
        waiting = {
            publication_id: queue
            for publication_id, queue in waiting.items()
            if queue
            and not (publication_id in best and finder.is_complete(best[publication_id][0]))
        }
    return {
        publication_id: _found(attachment, number, highlighter.snippet(text, at=at))
        for publication_id, (_, attachment, number, text, at) in best.items()
    }


def _found(attachment, number, snippet):
    document = attachment.document
    url = document.get_absolute_url()
    return FoundInDocument(
        label=attachment.get_label_display(),
        title=document.title,
        page=number,
        place=document.part_name(number - 1),
        snippet=snippet,
        url=f"{url}#page={number}" if document.is_pdf else url,
        type_label=document.type_label,
    )


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
        title_words=title_words(fields["title"]),
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

    def visible_documents(self, documents, now):
        # The one definition of "published", applied to the status and publish time that
        # database triggers copy into the document row (triggers.py): no lookup per match.
        return PublishableQuerySet.published(documents, at=now)

    def queryset(self):
        return (
            Publication.objects.all()
            .select_related("publication_type")
            .prefetch_related(
                Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
                "topics",
                "regions",
                "tags",
                Prefetch(
                    "document_attachments",
                    queryset=PublicationDocument.objects.select_related("document"),
                ),
            )
        )

    def entry(self, publication, regions):
        def pairs(objects):
            return [(obj.pk, str(obj)) for obj in objects]

        return self.build(
            regions,
            pk=publication.pk,
            url=_url(publication),
            title=publication.title,
            summary=publication.summary,
            body=publication.body,
            published_at=publication.published_at,
            status=publication.status,
            type_id=publication.publication_type_id,
            authors=pairs(authorship.person for authorship in publication.authorships.all()),
            topics=pairs(publication.topics.all()),
            regions=pairs(publication.regions.all()),
            tags=pairs(publication.tags.all()),
            files=_files_text(
                (a.document.title, a.document.description, a.document.page_texts)
                for a in publication.document_attachments.all()
            ),
        )

    def build(
        self, tree, *, authors, topics, regions, tags, body, published_at, files=None, **fields
    ):
        """The one definition of a publication's document. Relations are (id, name) pairs;
        authors in byline order, the rest sorted here so both loading paths agree."""
        topics, regions, tags = (sorted(pairs, key=_by_name) for pairs in (topics, regions, tags))
        document = SearchDocument(
            kind=self.kind,
            object_id=fields.pop("pk"),
            meta=_join(
                fields["summary"],
                *(
                    ", ".join(name for _, name in names)
                    for names in (authors, topics, regions, tags)
                ),
            ),
            title_words=title_words(fields["title"]),
            body=plain_text(body),
            files=files,
            published_at=published_at,
            year=timezone.localtime(published_at).year if published_at else None,
            **fields,
        )
        facets = [(Facet.TOPIC, pk) for pk, _ in topics] + [(Facet.TAG, pk) for pk, _ in tags]
        facets += [(Facet.AUTHOR, pk) for pk, _ in authors]
        facets += [(Facet.REGION, pk) for pk in tree.with_ancestors(pk for pk, _ in regions)]
        return Entry(document, facets)

    def entries(self, tree, chunk_size):
        """Every publication's entry, as ``entry()`` would make it, read as plain rows: no model
        instances or prefetching, a handful of queries per chunk (a full rebuild at 100,000
        publications spent most of its time building related objects it only read names from).
        """
        names = {
            "person": dict(Person.objects.values_list("pk", "name")),
            "topic": dict(Topic.objects.values_list("pk", "name")),
            "region": dict(Region.objects.values_list("pk", "name")),
            "tag": dict(Tag.objects.values_list("pk", "name")),
        }
        relations = {
            "authors": (Authorship, "publication_id", "person", ("order", "pk")),
            "topics": (Publication.topics.through, "publication_id", "topic", ("pk",)),
            "regions": (Publication.regions.through, "publication_id", "region", ("pk",)),
            "tags": (TaggedPublication, "content_object_id", "tag", ("pk",)),
        }
        # Slugs need no escaping in a path, so one reverse() serves every publication.
        marker = "slug-marker-0"
        url = reverse("publications:detail", args=[marker])
        columns = (
            "pk",
            "slug",
            "title",
            "summary",
            "body",
            "published_at",
            "status",
            "publication_type_id",
        )
        last = 0
        while True:
            rows = list(
                Publication.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list(*columns)[:chunk_size]
            )
            if not rows:
                return
            last = rows[-1][0]
            ids = [row[0] for row in rows]
            related = {}
            for key, (through, owner, target, order) in relations.items():
                grouped = related[key] = {}
                lookup = names[target]
                for owner_id, target_id in (
                    through.objects.filter(**{f"{owner}__in": ids})
                    .order_by(*order)
                    .values_list(owner, f"{target}_id")
                ):
                    grouped.setdefault(owner_id, []).append((target_id, lookup[target_id]))
            documents = _attached_documents(ids)
            for pk, slug, title, summary, body, published_at, status, type_id in rows:
                yield self.build(
                    tree,
                    pk=pk,
                    url=url.replace(marker, slug),
                    title=title,
                    summary=summary,
                    body=body,
                    published_at=published_at,
                    status=status,
                    type_id=type_id,
                    files=_files_text(documents.get(pk, [])),
                    **{key: grouped.get(pk, []) for key, grouped in related.items()},
                )


def _by_name(pair):
    return (pair[1], pair[0])


class OptionSource:
    kind = Kind.OPTION

    def visible(self, now):
        options = PolicyOption.objects.visible(at=now)
        return Exists(options.filter(pk=OuterRef("object_id")))

    def visible_documents(self, documents, now):
        return documents.filter(self.visible(now))

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
    """Every person is indexed, with no publish time; readers find one once they are an author
    of a published publication (``Person.objects.visible()``), asked of the content tables at
    query time, so a scheduled byline brings its authors in at its time."""

    kind = Kind.PERSON

    def visible(self, now):
        return PersonQuerySet.visible_condition(OuterRef("object_id"), at=now)

    def visible_documents(self, documents, now):
        return documents.filter(self.visible(now))

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
    """Documents readers may see now, by each content type's own definition at query time.

    Bulk updates (an admin action publishing or unpublishing with ``queryset.update()``) send
    no signals: publications' status and publish time reach their document through database
    triggers (triggers.py), options are checked against their own tables, and scheduled items
    appear when their time passes, with no reindexing.
    """
    now = now or timezone.now()
    visible = SearchDocument.objects.none()
    for kind, source in SOURCES.items():
        visible |= source.visible_documents(SearchDocument.objects.filter(kind=kind), now)
    return visible


def content_visible_documents(now=None):
    """The same test read from the content tables themselves, one lookup per document: for the
    few documents of a result page, so that none is shown even if a trigger went missing."""
    now = now or timezone.now()
    visible = Q(pk__in=[])
    for kind, source in SOURCES.items():
        visible |= Q(source.visible(now), kind=kind)
    return SearchDocument.objects.filter(visible)
