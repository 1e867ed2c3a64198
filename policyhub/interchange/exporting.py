"""Every item of the interchange format (drafts, scheduled and the rest included) as JSON Lines.

The output is canonical, so export → import into an empty database → export gives the same
bytes: kinds in the order they can be imported (taxonomies and people before what uses them),
each sorted by name or slug; lists in a fixed order (authors, related publications and sources
in their editorial order, everything else by name or slug); times in UTC with a "Z"; keys in the
documented order; UTF-8 without escapes. Empty values are left out: importing the file into a
site that has a value keeps it, as an absent key leaves a value alone.
"""

import json
import shutil
from datetime import UTC
from pathlib import Path

from django.db.models import Prefetch

from options.models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track
from policyhub.documents.models import PublicationDocument
from policyhub.documents.pdf import checksum
from policyhub.editorial.models import LibraryImage
from policyhub.editorial.richtext import replace_figures
from policyhub.search.models import Synonym
from publications.models import (
    Authorship,
    Person,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    Topic,
)

CHUNK = 2000
IMAGES = "images"
DOCUMENTS = "documents"
EMPTY = ("", [], {}, None)


def iso(value):
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def by_name(objects):
    return sorted(obj.name for obj in objects)


def tag_names(obj):
    return sorted((tag.name for tag in obj.tags.all()), key=lambda n: (n.casefold(), n))


def line(kind, **values):
    """A line without its empty values ("" / [] / {} / None); false and 0 are values."""
    return {
        "kind": kind,
        **{key: value for key, value in values.items() if value not in EMPTY},
    }


class Images:
    """Copies stored images beside the exported file, under ``images/`` (documents under
    ``documents/``), named as stored, and gives the path a line names; with no folder
    (standard output) no file is written."""

    def __init__(self, folder, under=IMAGES):
        self.folder, self.under = folder, under
        self.copied = {}

    def path(self, field_file):
        if not field_file or self.folder is None:
            return None
        # A document listed by several publications is copied once.
        if field_file.name not in self.copied:
            self.copied[field_file.name] = self._copy(field_file)
        return self.copied[field_file.name]

    def _copy(self, field_file):
        relative = f"{self.under}/{field_file.name}"
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with (
                field_file.storage.open(field_file.name, "rb") as source,
                open(target, "wb") as out,
            ):
                shutil.copyfileobj(source, out)
        except OSError:
            return None  # a stored name whose file is gone: the texts are still exported
        return relative


def image(images, field_file, **texts):
    value = {"file": images.path(field_file), **texts}
    return {key: text for key, text in value.items() if text} or None


class Figures:
    """Rewrites the figures of exported rich text to name their library image by key: the
    numbers of one site's library mean other images, or none, on another. A figure whose image
    is gone is written with no image (readers see nothing there either)."""

    def __init__(self):
        self.keys = {pk: str(key) for pk, key in LibraryImage.objects.values_list("pk", "key")}

    def key(self, value):
        if value.isascii() and value.isdigit() and len(value) < 19:
            return self.keys.get(int(value), "")
        return ""

    def __call__(self, html):
        return replace_figures(html, self.key)


def library_image_lines(images):
    """The whole image library, by key; with no folder (standard output) none, as a line
    without its file could not create an image."""
    if images.folder is None:
        return
    for library_image in LibraryImage.objects.order_by("key"):
        path = images.path(library_image.image)
        if path is None:
            continue  # its file is gone from the storage: nothing to import
        with open(images.folder / path, "rb") as handle:
            sha256 = checksum(handle)
        yield line(
            "image",
            key=str(library_image.key),
            title=library_image.title,
            file=path,
            sha256=sha256,
            alt=library_image.alt,
            caption=library_image.caption,
            credit=library_image.credit,
        )


def term_lines():
    for kind, model in (("type", PublicationType), ("topic", Topic)):
        for obj in model.objects.order_by("name", "pk"):
            yield line(kind, name=obj.name, description=obj.description)
    regions = {r.pk: r for r in Region.objects.all()}

    def depth(region):
        return len(region.ancestors())

    for region in sorted(regions.values(), key=lambda r: (depth(r), r.name, r.pk)):
        parent = regions.get(region.parent_id)
        yield line(
            "region",
            name=region.name,
            description=region.description,
            parent=parent.name if parent else None,
        )


def person_line(person, images):
    return line(
        "person",
        name=person.name,
        role=person.role,
        affiliation=person.affiliation,
        bio=person.bio,
        link=person.link,
        photo=image(images, person.photo, alt=person.photo_alt),
        institute_role=person.kind,
        expertise=[area.name for area in person.expertise.all()],
        languages=person.languages,
        email=person.email,
        # Whether to show an address means nothing without one.
        show_email=person.show_email if person.email else None,
        links=[
            {"url": p.url, **({"label": p.label} if p.label else {})}
            for p in person.profile_links.all()
        ],
    )


def document_item(attachment, files):
    document = attachment.document
    path = files.path(document.file)
    if path is None:
        return None  # standard output, or a file gone from the storage: nothing to import
    return {
        key: value
        for key, value in (
            ("file", path),
            ("sha256", document.sha256),
            ("label", attachment.label),
            ("title", document.title),
            ("description", document.description),
            ("language", document.language),
        )
        if value
    }


def publication_line(publication, images, files=None, figures=None):
    files = files or Images(None, under=DOCUMENTS)
    figures = figures or Figures()
    documents = [document_item(a, files) for a in publication.document_attachments.all()]
    return line(
        "publication",
        slug=publication.slug,
        title=publication.title,
        type=publication.publication_type.name,
        summary=publication.summary,
        body=figures(publication.body),
        status=publication.status,
        published=iso(publication.published_at),
        authors=[{"name": a.person.name} for a in publication.authorships.all()],
        topics=by_name(publication.topics.all()),
        regions=by_name(publication.regions.all()),
        tags=tag_names(publication),
        image=image(
            images,
            publication.hero_image,
            alt=publication.hero_alt,
            caption=publication.hero_caption,
            credit=publication.hero_credit,
        ),
        documents=[item for item in documents if item],
        source=publication.source_note,
        source_url=publication.source_url,
        media=[item.strip() for item in publication.media.splitlines() if item.strip()],
        related=[link.to_publication.slug for link in publication.related_links.all()],
    )


def track_and_actor_lines():
    for track in Track.objects.order_by("name", "pk"):
        yield line("track", name=track.name, description=track.description, order=track.order)
    for actor in Actor.objects.order_by("name", "pk"):
        yield line("actor", name=actor.name, description=actor.description)


def question_line(question, figures):
    return line(
        "question",
        slug=question.slug,
        title=question.title,
        summary=question.summary,
        context=figures(question.context),
        status=question.status,
        published=iso(question.published_at),
        regions=by_name(question.regions.all()),
        tags=tag_names(question),
    )


def source_item(source):
    return {
        key: value
        for key, value in (
            ("publication", source.publication.slug),
            ("stance", source.stance),
            ("quote", source.quote),
            ("note", source.note),
        )
        if value
    }


def option_line(option, figures):
    return line(
        "option",
        slug=option.slug,
        title=option.title,
        question=option.question.title,
        track=option.track.name,
        level=option.level,
        timeframe=option.timeframe,
        summary=option.summary,
        description=figures(option.description),
        goals=option.goals,
        risks=option.risks,
        conditions=option.conditions,
        status=option.status,
        published=iso(option.published_at),
        real_world_status=option.real_world_status,
        status_note=option.status_note,
        status_date=option.status_date.isoformat() if option.status_date else None,
        actors=by_name(option.actors.all()),
        prerequisites=sorted(p.slug for p in option.prerequisites.all()),
        tags=tag_names(option),
        sources=[source_item(s) for s in option.source_links.all()],
    )


def records(folder=None):
    images, files = Images(folder), Images(folder, under=DOCUMENTS)
    figures = Figures()
    yield from term_lines()
    people = Person.objects.order_by("name", "pk").prefetch_related("expertise", "profile_links")
    for person in people.iterator(chunk_size=CHUNK):
        yield person_line(person, images)
    yield from library_image_lines(images)
    yield from track_and_actor_lines()
    questions = PolicyQuestion.objects.order_by("slug").prefetch_related("regions", "tags")
    for question in questions:
        yield question_line(question, figures)
    publications = (
        Publication.objects.order_by("slug")
        .select_related("publication_type")
        .prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
            "topics",
            "regions",
            "tags",
            Prefetch(
                "related_links",
                queryset=RelatedPublication.objects.select_related("to_publication").only(
                    "from_publication_id", "order", "to_publication__slug"
                ),
            ),
            Prefetch(
                "document_attachments",
                queryset=PublicationDocument.objects.select_related("document").defer(
                    "document__page_texts", "document__cover"
                ),
            ),
        )
    )
    for publication in publications.iterator(chunk_size=CHUNK):
        yield publication_line(publication, images, files, figures)
    options = (
        PolicyOption.objects.order_by("slug")
        .select_related("question", "track")
        .prefetch_related(
            "actors",
            "tags",
            "prerequisites",
            Prefetch(
                "source_links",
                queryset=OptionSource.objects.select_related("publication").only(
                    "option_id", "stance", "quote", "note", "order", "publication__slug"
                ),
            ),
        )
    )
    for option in options.iterator(chunk_size=CHUNK):
        yield option_line(option, figures)
    for synonym in Synonym.objects.order_by("terms", "pk"):
        yield line("synonym", terms=synonym.terms, note=synonym.note)


def export(handle, folder=None):
    """Write every item to a text file opened for writing; returns the number of lines. Images
    are copied into ``folder``/images/ (the file's own folder); without one they are left out."""
    count = 0
    for record in records(Path(folder) if folder is not None else None):
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
