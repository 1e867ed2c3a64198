from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from policyhub.editorial import reading
from policyhub.editorial.embeds import PROVIDER_NAMES, embeds_in, validate_embeds
from policyhub.editorial.fields import HttpsURLField
from policyhub.editorial.images import (
    PHOTO_WIDTHS,
    CheckedImageField,
    ResponsiveImage,
    save_with_renditions,
)
from policyhub.editorial.links import slug_url
from policyhub.editorial.models import (
    UNKNOWN,
    Publishable,
    RevisionRelations,
    Term,
    WithHeroImage,
)
from policyhub.editorial.richtext import RichTextField
from policyhub.editorial.site import site_name
from policyhub.editorial.validators import ReservedSlugValidator

from .citations import Work
from .facets import FacetCountsQuerySet


class PersonQuerySet(models.QuerySet):
    def visible(self, at=None):
        """People readers may see: authors of at least one ``published(at)`` publication. A
        person added with a bio stays private until then, and one whose only byline is
        scheduled appears at its publish time, with no cron job."""
        return self.filter(PersonQuerySet.visible_condition(models.OuterRef("pk"), at))

    @staticmethod
    def visible_condition(person_id, at=None):
        """``visible()`` as a condition on a person's id (an ``OuterRef``): the search asks it
        of its own document rows without a detour through the people table."""
        bylines = Authorship.objects.filter(person=person_id).filter(
            models.Exists(
                Publication.objects.published(at).filter(pk=models.OuterRef("publication"))
            )
        )
        return models.Exists(bylines)


def attachment_model():
    """``PublicationDocument`` (policyhub.documents, which sits above this app)."""
    return Publication.document_attachments.rel.related_model


def attachments_prefetch():
    """The publication's documents (policyhub.documents, which sits above this app and adds the
    ``document_attachments`` relation) in display order, without their extracted text."""
    attachments = attachment_model().objects
    return models.Prefetch(
        "document_attachments",
        queryset=attachments.select_related("document").defer("document__page_texts"),
    )


class Person(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        FELLOW = "fellow", "Fellow"
        EXTERNAL = "external", "External contributor"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(
        "role in the institute",
        max_length=12,
        choices=Kind.choices,
        default=Kind.STAFF,
        help_text="How the experts directory groups this person.",
    )
    role = models.CharField(max_length=300, blank=True, help_text="e.g. Asia advocacy coordinator")
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField("short bio", blank=True)
    photo = CheckedImageField(upload_to="people/", blank=True)
    photo_alt = models.CharField(
        "photo alt text",
        max_length=300,
        blank=True,
        help_text="Describe the photo for readers who cannot see it, e.g. “Portrait of Ana Ortiz”.",
    )
    # Written on save from the photo (publications/images.py), never by hand.
    photo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    link = HttpsURLField("website", blank=True)
    expertise = models.ManyToManyField(
        "Expertise",
        related_name="people",
        blank=True,
        verbose_name="areas of expertise",
        help_text="What journalists and partners can ask this person about.",
    )
    languages = models.CharField(
        max_length=200,
        blank=True,
        help_text="Languages this person works in, comma-separated, e.g. “English, Korean”.",
    )
    email = models.EmailField(
        "contact email",
        blank=True,
        help_text="For press and partner enquiries; shown to readers only if ticked below.",
    )
    show_email = models.BooleanField(
        "show the email on the public profile",
        default=False,
        help_text="Leave unticked to keep the address internal (the admin and exports only).",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def save(self, **kwargs):
        save_with_renditions(self, "photo", "photo_renditions", PHOTO_WIDTHS, super().save, kwargs)

    def get_absolute_url(self):
        return slug_url("publications:person", self.slug)

    def clean(self):
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "Describe the photo (alt text) for readers."})

    @cached_property
    def photo_picture(self):
        return ResponsiveImage.from_field(self.photo, self.photo_renditions)

    @property
    def role_line(self):
        return ", ".join(part for part in (self.role, self.affiliation) if part)

    @property
    def public_email(self):
        return self.email if self.show_email else ""

    @property
    def language_list(self):
        return [name.strip() for name in self.languages.split(",") if name.strip()]


class Expertise(Term):
    """An area a person can be asked about ("Sanctions", "Nuclear diplomacy"): the experts
    directory filters by it."""

    class Meta(Term.Meta):
        verbose_name = "area of expertise"
        verbose_name_plural = "areas of expertise"

    def get_absolute_url(self):
        return reverse("publications:people") + "?" + urlencode({"expertise": self.slug})


PROFILE_SITES = {
    "bsky.app": "Bluesky",
    "github.com": "GitHub",
    "linkedin.com": "LinkedIn",
    "orcid.org": "ORCID",
    "researchgate.net": "ResearchGate",
    "scholar.google.com": "Google Scholar",
    "ssrn.com": "SSRN",
    "twitter.com": "X",
    "x.com": "X",
}


def site_name_of(url):
    """A readable name for a profile address: the site's own name when known, else its host."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for domain, name in PROFILE_SITES.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host


class ProfileLink(models.Model):
    """A person's profile elsewhere (LinkedIn, ORCID, Google Scholar, Bluesky...), in order."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="profile_links")
    url = HttpsURLField("address")
    label = models.CharField(
        max_length=60, blank=True, help_text="Leave empty to name the site from the address."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["person", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "url"], name="unique_profile_link"),
        ]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self):
        return self.label or site_name_of(self.url)


class Topic(Term):
    def get_absolute_url(self):
        return slug_url("publications:topic", self.slug)


class Region(Term):
    name = models.CharField(max_length=120)  # not unique: a name may recur under two parents
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    def get_absolute_url(self):
        return slug_url("publications:region", self.slug)

    def ancestors(self):
        """From the top of the tree down to the parent; bounded so a bad cycle cannot hang."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self):
        """This region's id and those of every region under it, one query per level."""
        return Region.descendant_ids_of([self.pk])

    @staticmethod
    def descendant_ids_of(region_ids):
        """These regions' ids and those of every region under them, one query per level."""
        ids = set(region_ids)
        frontier = set(ids)
        while frontier:
            frontier = set(
                Region.objects.filter(parent__in=frontier)
                .exclude(pk__in=ids)
                .values_list("pk", flat=True)
            )
            ids |= frontier
        return ids

    def clean(self):
        if (
            self.pk
            and self.parent_id
            and (self.parent_id == self.pk or any(a.pk == self.pk for a in self.parent.ancestors()))
        ):
            raise ValidationError({"parent": "A region cannot sit inside itself."})


class PublicationType(Term):
    @property
    def is_report(self):
        """Special reports and other reports are cited and described as reports (schema.org
        ``Report``, BibTeX ``techreport``, RIS ``RPRT``); everything else as an article."""
        return "report" in self.name.lower()


class TaggedPublication(TaggedItemBase):
    content_object = models.ForeignKey("Publication", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_tag_per_publication"
            )
        ]
        # Publications by tag from the index alone (related publications), not from a table
        # row per publication of a common tag.
        # The same for topics is in migration 0002 (the topics' through table is Django's).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_publication_by_tag")]


def prefetch_tags(publications):
    """Load ``publication.tags.all()`` for all of them in one narrow query. taggit's own
    prefetch builds a tag queryset per publication before filling it."""
    by_publication = {publication.pk: [] for publication in publications}
    if not by_publication:
        return
    rows = (
        TaggedPublication.objects.filter(content_object__in=by_publication)
        .order_by("tag__name", "tag_id")
        .values_list("content_object_id", "tag_id", "tag__name", "tag__slug")
    )
    for publication_id, tag_id, name, slug in rows:
        by_publication[publication_id].append(Tag(id=tag_id, name=name, slug=slug))
    empty = Tag.objects.all()
    for publication in publications:
        tags = empty._chain()
        tags._result_cache, tags._prefetch_done = by_publication[publication.pk], True
        if not hasattr(publication, "_prefetched_objects_cache"):
            publication._prefetched_objects_cache = {}
        publication._prefetched_objects_cache["tags"] = tags


def any_of(value):
    return value if isinstance(value, list | tuple | set) else [value]


class PublicationQuerySet(FacetCountsQuerySet):
    def get_by_natural_key(self, slug):
        # Fixtures (the demo's home slots) name it by slug, not by an id the import chose.
        return self.get(slug=slug)

    def for_listing(self):
        """What a listing card shows, in a fixed number of queries however many rows there are."""
        chained = self.select_related("publication_type").prefetch_related(
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
            "topics",
        )
        chained._with_tags = True
        return chained

    _with_tags = False

    def _clone(self):
        clone = super()._clone()
        clone._with_tags = self._with_tags
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if self._with_tags and not fetched and self._iterable_class is models.query.ModelIterable:
            prefetch_tags(self._result_cache)

    def for_detail(self):
        """Everything the detail page shows about the publication itself."""
        return self.for_listing().prefetch_related("regions", attachments_prefetch())

    # These take one value or a list of them: a publication with any of them matches.
    def with_topic(self, topic):
        return self.filter(
            pk__in=Publication.topics.through.objects.filter(topic__in=any_of(topic)).values(
                "publication_id"
            )
        )

    def with_tag(self, tag):
        return self.filter(
            pk__in=TaggedPublication.objects.filter(tag__in=any_of(tag)).values("content_object_id")
        )

    def by_author(self, person):
        return self.filter(
            pk__in=Authorship.objects.filter(person__in=any_of(person)).values("publication_id")
        )

    def in_regions(self, region_ids):
        """Publications in any of these regions. Pass ``region.descendant_ids()`` so that a region
        includes its sub-regions."""
        return self.filter(
            pk__in=Publication.regions.through.objects.filter(region_id__in=region_ids).values(
                "publication_id"
            )
        )

    # The facet counts (count_by and the like) are in facets.py; this says which
    # (publication, value) pairs each facet counts.
    def _facet_pairs(self, relation, everything=False):
        """(a queryset of (publication, value) pairs, the value's column, the value's model).
        ``everything``: the pairs of every publication, whatever this queryset holds."""
        ids = self.order_by().values("pk")

        def of_these(model, field):
            return model.objects.all() if everything else model.objects.filter(**{field: ids})

        if relation == "publication_type":
            rows = Publication.objects.all() if everything else self.order_by()
            return rows, "publication_type_id", PublicationType
        if relation == "topics":
            return of_these(Publication.topics.through, "publication__in"), "topic_id", Topic
        if relation == "authors":
            return of_these(Authorship, "publication__in"), "person_id", Person
        if relation == "tags":
            return of_these(TaggedPublication, "content_object__in"), "tag_id", Tag
        raise ValueError(f"No facet for {relation!r}")


class Publication(WithHeroImage, Publishable):
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=300, unique=True, validators=[ReservedSlugValidator(["feed", "preview"])]
    )
    publication_type = models.ForeignKey(
        PublicationType, on_delete=models.PROTECT, related_name="publications", verbose_name="type"
    )
    summary = models.TextField(
        help_text="Plain text. Shown in listings, search results and the meta description."
    )
    body = RichTextField(blank=True)
    authors = models.ManyToManyField(
        Person, through="Authorship", related_name="publications", blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="publications", blank=True)
    regions = models.ManyToManyField(Region, related_name="publications", blank=True)
    tags = TaggableManager(through=TaggedPublication, blank=True)

    source_note = models.CharField(
        max_length=500,
        blank=True,
        help_text='e.g. "Adapted from an article originally published by 38 North."',
    )
    source_url = HttpsURLField(blank=True)
    media = models.TextField(
        "video and audio",
        blank=True,
        validators=[validate_embeds],
        help_text=(
            f"To embed a video or podcast ({PROVIDER_NAMES}), paste the address of its page, "
            "one per line, optionally followed by a short title, e.g. "
            "“https://youtu.be/… Launch event recording”. Readers load the player with a click."
        ),
    )

    related = models.ManyToManyField(
        "self",
        through="RelatedPublication",
        symmetrical=False,
        related_name="related_from",
        blank=True,
    )

    objects = PublicationQuerySet.as_manager()
    # Renditions are derived from the image: a restored revision gets them made again from its
    # own image at save, instead of a record whose files may have been deleted since.
    history = HistoricalRecords(
        bases=[RevisionRelations], excluded_fields=["updated_at", "hero_renditions"]
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [("publish_publication", "Can publish, schedule and unpublish publications")]
        indexes = [
            # Lists by date, and the type and year facets from the index alone.
            models.Index(
                fields=["status", "published_at", "publication_type"],
                name="publication_status_time_type",
            ),
            # Covers the search's per-match visibility check (status and time by id): on
            # SQLite a primary-key lookup reads the wide row's table page instead.
            models.Index(fields=["id", "status", "published_at"], name="publication_visibility"),
            # The lists by title (page and API): read in order instead of sorting every
            # published row for each page (bench/README.md, "Sorting by title").
            models.Index(Lower("title"), "id", name="publication_title_sort"),
        ]

    # No count (facets, totals) depends on these: an edit confined to them keeps the cached
    # counts (``datacache.remember(..., counts=True)``). Every other field, relation and model
    # counts as a change.
    UNCOUNTED_FIELDS = frozenset(
        {
            "title",
            "slug",
            "summary",
            "body",
            "hero_image",
            "hero_alt",
            "hero_caption",
            "hero_credit",
            "hero_renditions",
            "source_note",
            "source_url",
            "media",
            "updated_at",
        }
    )

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        super().save(**kwargs)
        self._loaded_counted_values = self._counted_values()

    def get_absolute_url(self):
        return slug_url("publications:detail", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_counted_values = instance._counted_values()
        return instance

    def _counted_values(self):
        return tuple(
            self.__dict__.get(field.attname, UNKNOWN)
            for field in self._meta.concrete_fields
            if field.name not in self.UNCOUNTED_FIELDS
        )

    def changed_only_uncounted_fields(self):
        """Whether the last save changed nothing a count depends on (read by the cache's
        ``post_save`` handler). False when unsure: a new row, or fields not loaded."""
        loaded = getattr(self, "_loaded_counted_values", None)
        return loaded is not None and UNKNOWN not in loaded and loaded == self._counted_values()

    @cached_property
    def attached_documents(self):
        """Its documents' attachments (label, order, document), in display order."""
        if "document_attachments" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.document_attachments.all())
        return list(attachments_prefetch().queryset.filter(publication=self))

    @property
    def main_pdf_attachment(self):
        """The first attached PDF (``citation_pdf_url``, RIS, BibTeX), or None: the other
        types are not what those fields name."""
        return next((a for a in self.attached_documents if a.document.is_pdf), None)

    def as_citation(self, url, pdf_url=""):
        """This publication as a ``citations.Work``; ``url`` is its absolute URL, ``pdf_url``
        that of its main document, if any."""
        return Work(
            title=self.title,
            url=url,
            publisher=site_name(),
            authors=tuple(person.name for person in self.ordered_authors),
            published=timezone.localtime(self.published_at).date() if self.published_at else None,
            summary=self.summary,
            keywords=tuple(tag.name for tag in self.tags.all()),
            is_report=self.publication_type.is_report,
            pdf_url=pdf_url,
        )

    @property
    def embeds(self):
        """The video and audio players to offer, in the editor's order."""
        return embeds_in(self.media)

    @property
    def word_count(self):
        return reading.word_count(self.body)

    @property
    def reading_minutes(self):
        return reading.reading_minutes(self.word_count)

    @property
    def ordered_authors(self):
        """Authors in byline order; uses the prefetched authorships when there are any."""
        return [authorship.person for authorship in self.authorships.all()]

    def relations_snapshot(self):
        """What a revision keeps of the relations (see ``RevisionRelations``), in display order."""
        return self.relations_snapshots([self.pk])[self.pk]

    @classmethod
    def relations_snapshots(cls, pks):
        """{pk: relations snapshot} for many publications in six queries, however many."""
        pks = list(pks)
        keys = ("authors", "topics", "regions", "tags", "related", "documents")
        snapshots = {pk: {key: [] for key in keys} for pk in pks}
        queries = {
            "authors": Authorship.objects.filter(publication_id__in=pks)
            .order_by("order", "pk")
            .values_list("publication_id", "person_id", "person__name"),
            "topics": cls.topics.through.objects.filter(publication_id__in=pks)
            .order_by("topic__name")
            .values_list("publication_id", "topic_id", "topic__name"),
            "regions": cls.regions.through.objects.filter(publication_id__in=pks)
            .order_by("region__name")
            .values_list("publication_id", "region_id", "region__name"),
            "related": RelatedPublication.objects.filter(from_publication_id__in=pks)
            .order_by("order", "pk")
            .values_list("from_publication_id", "to_publication_id", "to_publication__title"),
        }
        from policyhub.editorial.revisions import collect_relations

        tags = TaggedPublication.objects.filter(content_object_id__in=pks)
        collect_relations(snapshots, queries, tags.values_list("content_object_id", "tag__name"))
        # Attached documents keep their label too ("kind"), so a restore brings it back.
        attachments = attachment_model()
        labels = dict(attachments._meta.get_field("label").flatchoices)
        rows = (
            attachments.objects.filter(publication_id__in=pks)
            .order_by("order", "pk")
            .values_list("publication_id", "document_id", "label", "document__title")
        )
        for owner, document, kind, title in rows:
            snapshots[owner]["documents"].append(
                {"id": document, "label": f"{labels.get(kind, kind)}: {title}", "kind": kind}
            )
        return snapshots

    def restore_relations(self, snapshot):
        """Make the relations what ``snapshot`` says; returns notes on what could not be."""
        from policyhub.editorial.revisions import existing_ids

        notes = []
        if "authors" in snapshot:
            people = existing_ids(Person, snapshot["authors"], "author", notes)
            self.authorships.all().delete()
            Authorship.objects.bulk_create(
                Authorship(publication=self, person_id=pk, order=order)
                for order, pk in enumerate(people)
            )
        if "topics" in snapshot:
            self.topics.set(existing_ids(Topic, snapshot["topics"], "topic", notes))
        if "regions" in snapshot:
            self.regions.set(existing_ids(Region, snapshot["regions"], "region", notes))
        if "tags" in snapshot:
            self.tags.set([item["label"] for item in snapshot["tags"]], clear=True)
        if "related" in snapshot:
            others = existing_ids(
                Publication, snapshot["related"], "related publication", notes, exclude=self.pk
            )
            self.related_links.all().delete()
            RelatedPublication.objects.bulk_create(
                RelatedPublication(from_publication=self, to_publication_id=pk, order=order)
                for order, pk in enumerate(others)
            )
        if "documents" in snapshot:
            notes += self._restore_attachments(snapshot["documents"])
        return notes

    def _restore_attachments(self, items):
        from policyhub.editorial.revisions import existing_ids

        notes = []
        attachments = attachment_model()
        label = attachments._meta.get_field("label")
        documents = attachments._meta.get_field("document").related_model
        kinds = {item["id"]: item.get("kind") for item in items}
        self.document_attachments.all().delete()
        # One save each, not bulk_create: the search index follows attachments by their signals.
        for order, pk in enumerate(existing_ids(documents, items, "document", notes)):
            kind = kinds[pk] if kinds[pk] in dict(label.flatchoices) else label.default
            attachments.objects.create(publication=self, document_id=pk, label=kind, order=order)
        self.__dict__.pop("attached_documents", None)
        return notes

    def related_publications(self, limit=4):
        """Published publications to read next, each with a ``reason`` (see related.py)."""
        from .related import related_publications

        return related_publications(self, limit)


class Authorship(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authorships")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "person"], name="unique_author_per_publication"
            )
        ]

    def __str__(self):
        return f"{self.person} on {self.publication}"


class RelatedPublication(models.Model):
    from_publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="related_links"
    )
    to_publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="+", verbose_name="publication"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_publication", "to_publication"], name="unique_related_publication"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_publication=models.F("to_publication")),
                name="related_publication_not_self",
            ),
        ]

    def __str__(self):
        return f"{self.from_publication} → {self.to_publication}"
