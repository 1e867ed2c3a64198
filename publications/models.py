from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from policyhub.editorial import datacache
from policyhub.editorial.fields import HttpsURLField
from policyhub.editorial.images import (
    HERO_WIDTHS,
    PHOTO_WIDTHS,
    CheckedImageField,
    ResponsiveImage,
    save_with_renditions,
)
from policyhub.editorial.links import slug_url
from policyhub.editorial.models import (
    UNKNOWN,
    Publishable,
    PublishableQuerySet,
    RevisionRelations,
)
from policyhub.editorial.richtext import RichTextField
from policyhub.editorial.validators import ReservedSlugValidator

from .citations import Work
from .facets import LocalYear, UnindexedValue


class Person(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
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
    link = HttpsURLField(blank=True)

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


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("publications:topic", self.slug)


class Region(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

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
        ids, frontier = {self.pk}, {self.pk}
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


class PublicationType(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

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
        # Publications by tag from the index alone (related publications): PostgreSQL read
        # each row of a common tag from the table (15,000 per tag at 100,000 publications).
        # The same for topics is in migration 0010 (the topics' through table is Django's).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_publication_by_tag")]


class PublicationQuerySet(PublishableQuerySet):
    def for_listing(self):
        """What a listing card shows, in a fixed number of queries however many rows there are."""
        return self.select_related("publication_type").prefetch_related(
            models.Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
            "topics",
            "tags",
        )

    def featured(self):
        # By id from the small featured index: filtering on the flag directly, the planner walks
        # the date index through every published row looking for the few flagged ones.
        return self.filter(pk__in=Publication.objects.filter(featured=True).values("pk"))

    def for_detail(self):
        """Everything the detail page shows about the publication itself."""
        return self.for_listing().prefetch_related("regions")

    def with_topic(self, topic):
        return self.filter(
            pk__in=Publication.topics.through.objects.filter(topic=topic).values("publication_id")
        )

    def with_tag(self, tag):
        return self.filter(
            pk__in=TaggedPublication.objects.filter(tag=tag).values("content_object_id")
        )

    def by_author(self, person):
        return self.filter(pk__in=Authorship.objects.filter(person=person).values("publication_id"))

    def in_regions(self, region_ids):
        """Publications in any of these regions. Pass ``region.descendant_ids()`` so that a region
        includes its sub-regions."""
        return self.filter(
            pk__in=Publication.regions.through.objects.filter(region_id__in=region_ids).values(
                "publication_id"
            )
        )

    # Filters above use ``pk__in`` subqueries rather than joins, so rows never repeat and the
    # aggregate counts below stay correct however many filters are combined. The counts run on
    # the narrow through tables against this queryset's ids, and need no DISTINCT: each
    # (publication, value) pair is unique (constraints on every through table).

    def count_by(self, relation):
        """``[{"slug", "name", "count"}]`` for a relation with slug and name (publication_type,
        topics, tags, authors), most used first, in one aggregate query."""
        pairs, column, target = self._facet_pairs(relation)
        sql, params = self._counts_sql(pairs, column)
        return self._named_counts(sql, params, target)

    def count_published_by(self, relation, at=None):
        """``published(at).count_by(relation)`` for the whole table, in one statement: the values
        of every publication less those of the hidden ones.

        Nearly every publication is published, so counting the few hidden ones is cheaper than
        asking, link by link, whether its publication is published: every link is read once, in
        index order (SQLite, 100,000 publications: ~300 → ~40 ms a facet; bench/README.md). A
        value used only by hidden publications nets zero and is left out, like in count_by().
        """
        if self.query.where:
            raise ValueError("count_published_by() counts the whole table: use count_by().")
        every, column, target = self._facet_pairs(relation, everything=True)
        hidden, _, _ = self.hidden(at)._facet_pairs(relation)
        sql, params = self._complement_counts_sql(every, hidden, column)
        return self._named_counts(sql, params, target)

    def _complement_counts_sql(self, every, hidden, column):
        """``SELECT facet_id, n``: the counts of ``every`` pair less those of ``hidden``, in one
        statement (one snapshot); values left with no pair are left out."""
        every_sql, every_params = self._counts_sql(every, column)
        hidden_sql, hidden_params = self._counts_sql(hidden, column)
        # Our own SQL around the ORM's; values are bound parameters.
        sql = (
            "SELECT facet_id, CAST(SUM(n) AS bigint) AS n FROM ("  # noqa: S608
            f"SELECT facet_id, n FROM ({every_sql}) e "
            f"UNION ALL SELECT facet_id, -n FROM ({hidden_sql}) h"
            ") u GROUP BY facet_id HAVING SUM(n) > 0"
        )
        return sql, [*every_params, *hidden_params]

    def _named_counts(self, sql, params, target):
        rows = self._join_counts_sql(
            sql, params, target, ["slug", "name"], "c.n DESC, LOWER(t.name), t.name"
        )
        return [{"slug": slug, "name": name, "count": n} for slug, name, n in rows]

    def _counts_sql(self, pairs, column):
        """``SELECT facet_id, n``: how many of ``pairs`` have each value of ``column``."""
        facet_id = models.F(column)
        if column == "publication_type_id" and pairs.query.where:
            facet_id = UnindexedValue(facet_id)
        counts = pairs.values(facet_id=facet_id).annotate(n=models.Count("*")).order_by()
        return counts.query.sql_with_params()

    def _join_counts_sql(self, sql, params, target, fields, order, outer=False):
        """``fields`` of ``target`` joined to the counts of ``sql`` (``facet_id, n`` rows).

        Counted by id first, then joined for the few values' fields: the names are not dragged
        through the aggregation. A join on a derived table is not something the ORM writes,
        hence the SQL around its query. ``outer`` keeps the values with no pairs (count 0).
        """
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table, pk = quote(target._meta.db_table), quote(target._meta.pk.column)
        columns = ", ".join(f"t.{quote(target._meta.get_field(name).column)}" for name in fields)
        if outer:
            source = f"{table} t LEFT JOIN ({sql}) c ON t.{pk} = c.facet_id"
        else:
            source = f"({sql}) c INNER JOIN {table} t ON t.{pk} = c.facet_id"
        # Names quoted, values bound as parameters.
        statement = f"SELECT {columns}, COALESCE(c.n, 0) FROM {source} ORDER BY {order}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

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

    def count_by_year(self):
        return list(
            self.order_by()
            .annotate(year=LocalYear("published_at"))
            .values("year")
            .annotate(count=models.Count("*"))
            .order_by("-year")
        )

    def count_by_region(self):
        """Counts per region, each including its sub-regions without counting a publication twice.

        Two queries: every region with its direct count (exact for a region without sub-regions),
        then, for the regions with sub-regions, how many of these publications sit anywhere in the
        subtree.
        """
        pairs = Publication.regions.through.objects.filter(
            publication__in=self.order_by().values("pk")
        )
        direct_sql, direct_params = self._counts_sql(pairs, "region_id")
        return self._region_counts(
            direct_sql, direct_params, lambda **counts: self.order_by().aggregate(**counts)
        )

    def count_published_by_region(self, at=None):
        """``published(at).count_by_region()`` for the whole table, the direct counts taken as
        every publication's less the hidden ones' (see ``count_published_by``)."""
        if self.query.where:
            raise ValueError("count_published_by_region() counts the whole table.")
        at = at or timezone.now()  # one moment for both queries
        links = Publication.regions.through.objects
        hidden = self.hidden(at).order_by()
        direct_sql, direct_params = self._complement_counts_sql(
            links.all(), links.filter(publication__in=hidden.values("pk")), "region_id"
        )

        # The few regions with sub-regions are counted over the published ones, in one query.
        published = self.published(at).order_by()
        return self._region_counts(
            direct_sql, direct_params, lambda **counts: published.aggregate(**counts)
        )

    def _region_counts(self, direct_sql, direct_params, aggregate):
        # (id, parent id, slug, name, direct count) for every region.
        regions = self._join_counts_sql(
            direct_sql, direct_params, Region, ["id", "parent", "slug", "name"], "t.id", outer=True
        )
        children = {}
        for pk, parent_id, *_ in regions:
            children.setdefault(parent_id, []).append(pk)

        def subtree(region_id):
            found, frontier = {region_id}, [region_id]
            while frontier:
                for child_id in children.get(frontier.pop(), ()):
                    if child_id not in found:
                        found.add(child_id)
                        frontier.append(child_id)
            return found

        # A publication in a region and in one of its sub-regions counts once for the region.
        subtrees = {pk: subtree(pk) for pk, *_ in regions if pk in children}
        totals = {pk: direct for pk, *_, direct in regions}
        if subtrees:
            in_subtree = {
                f"r{region_id}": models.Count(
                    "pk",
                    filter=models.Q(
                        pk__in=Publication.regions.through.objects.filter(
                            region_id__in=members
                        ).values("publication_id")
                    ),
                )
                for region_id, members in subtrees.items()
            }
            for key, count in aggregate(**in_subtree).items():
                totals[int(key[1:])] = count
        counts = [
            {"slug": slug, "name": name, "count": totals[pk]}
            for pk, _parent_id, slug, name, _direct in regions
            if totals[pk]
        ]
        counts.sort(key=lambda row: (-row["count"], row["name"]))
        return counts


class Publication(Publishable):
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

    hero_image = CheckedImageField(upload_to="heroes/%Y/", blank=True)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=300,
        blank=True,
        help_text="Describe the image for readers who cannot see it.",
    )
    hero_caption = models.CharField(max_length=500, blank=True)
    hero_credit = models.CharField(max_length=300, blank=True)
    # Written on save from the hero image (publications/images.py), never by hand.
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)

    source_note = models.CharField(
        max_length=500,
        blank=True,
        help_text='e.g. "Adapted from an article originally published by 38 North."',
    )
    source_url = HttpsURLField(blank=True)

    related = models.ManyToManyField(
        "self",
        through="RelatedPublication",
        symmetrical=False,
        related_name="related_from",
        blank=True,
    )
    featured = models.BooleanField(default=False)

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
            # The few featured publications, found without walking every published row
            # (``PublicationQuerySet.featured()``).
            models.Index(
                fields=["id"], condition=models.Q(featured=True), name="publication_featured"
            ),
            # Covers the search's per-match visibility check (status and time by id): on
            # SQLite a primary-key lookup reads the wide row's table page instead.
            models.Index(fields=["id", "status", "published_at"], name="publication_visibility"),
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
            "updated_at",
        }
    )

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        save_with_renditions(
            self, "hero_image", "hero_renditions", HERO_WIDTHS, super().save, kwargs
        )
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

    def as_citation(self, url):
        """This publication as a ``citations.Work``; ``url`` is its absolute URL."""
        return Work(
            title=self.title,
            url=url,
            publisher=settings.SITE_NAME,
            authors=tuple(person.name for person in self.ordered_authors),
            published=timezone.localtime(self.published_at).date() if self.published_at else None,
            summary=self.summary,
            keywords=tuple(tag.name for tag in self.tags.all()),
            is_report=self.publication_type.is_report,
        )

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the hero image (alt text) for readers."})

    @cached_property
    def hero_picture(self):
        return ResponsiveImage.from_field(self.hero_image, self.hero_renditions)

    @property
    def ordered_authors(self):
        """Authors in byline order; uses the prefetched authorships when there are any."""
        return [authorship.person for authorship in self.authorships.all()]

    def relations_snapshot(self):
        """What a revision keeps of the relations (see ``RevisionRelations``), in display order."""
        return self.relations_snapshots([self.pk])[self.pk]

    @classmethod
    def relations_snapshots(cls, pks):
        """{pk: relations snapshot} for many publications in five queries, however many."""
        pks = list(pks)
        snapshots = {
            pk: {"authors": [], "topics": [], "regions": [], "tags": [], "related": []}
            for pk in pks
        }
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
        return collect_relations(
            snapshots, queries, tags.values_list("content_object_id", "tag__name")
        )

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
        return notes

    def related_publications(self, limit=4):
        """Published publications to read next, each with a ``reason``.

        The editors' choices come first, in their order; the rest are filled with publications
        sharing the most tags and topics with this one (newest first on a tie). Five queries
        however many candidates there are.
        """
        published = Publication.objects.published()
        chosen = []
        links = (
            self.related_links.filter(
                models.Exists(published.filter(pk=models.OuterRef("to_publication")))
            )
            .select_related("to_publication__publication_type")
            .order_by("order", "pk")[:limit]
        )
        for link in links:
            link.to_publication.reason = "chosen by the editors"
            chosen.append(link.to_publication)
        missing = limit - len(chosen)
        if missing <= 0:
            return chosen

        tag_ids = TaggedPublication.objects.filter(content_object=self).values("tag_id")
        topic_ids = Publication.topics.through.objects.filter(publication=self).values("topic_id")
        others = published.exclude(pk=self.pk).exclude(pk__in=[p.pk for p in chosen])
        # The ranking reads every publication sharing a tag or topic (half the archive for the
        # commonest tags) and depends on counted data only: it outlives edits of texts.
        ranked = datacache.remember(
            f"related-ranking:{self.pk}:{missing}:{','.join(str(p.pk) for p in chosen)}",
            lambda: self._ranked_neighbours(others, tag_ids, topic_ids, missing),
            counts=True,
        )
        by_pk = others.filter(pk__in=ranked).select_related("publication_type").in_bulk()
        candidates = [by_pk[pk] for pk in ranked if pk in by_pk]
        if candidates:
            tag_rows = (
                TaggedPublication.objects.filter(content_object_id__in=by_pk, tag_id__in=tag_ids)
                .annotate(kind=models.Value("tag"), name=models.F("tag__name"))
                .values_list("content_object_id", "kind", "name")
            )
            topic_rows = (
                Publication.topics.through.objects.filter(
                    publication_id__in=by_pk, topic_id__in=topic_ids
                )
                .annotate(kind=models.Value("topic"), name=models.F("topic__name"))
                .values_list("publication_id", "kind", "name")
            )
            names = {"tag": {}, "topic": {}}
            for pk, kind, name in tag_rows.union(topic_rows, all=True).order_by("name"):
                names[kind].setdefault(pk, []).append(name)
            for publication in candidates:
                publication.reason = shared_reason(
                    names["tag"].get(publication.pk, []), names["topic"].get(publication.pk, [])
                )
        return chosen + candidates

    @staticmethod
    def _ranked_neighbours(candidates, tag_ids, topic_ids, limit):
        """Ids of the ``limit`` publications of ``candidates`` sharing the most tags and topics,
        newest first on a tie, best first.

        Starts from the through tables (the rows of these tags and topics, by their indexes) and
        only then looks up those publications: the cost follows how many publications share
        something with this one, not the size of the archive. The filter is the ORM's own
        ``candidates`` condition, so "published" is not restated here.

        SQLite counts per publication first, then looks up each counted one by key: it would
        rather walk every published row (a nested loop over a derived table is not something
        the ORM writes), and ``CROSS JOIN`` keeps its join order. PostgreSQL joins the rows
        first and counts after: it cannot estimate a join on counted rows (it guessed 200
        where there were 51,000 for common tags at 100,000 publications) and probed the
        visibility index once per neighbour; joining first it hashes the published ids from
        that index instead (the same shape made SQLite 3.5x slower; bench/README.md).
        """
        connection = connections[candidates.db]
        count_first = connection.vendor == "sqlite"
        shared = []
        for through, owner, column, ids in (
            (TaggedPublication, "content_object_id", "tag_id", tag_ids),
            (Publication.topics.through, "publication_id", "topic_id", topic_ids),
        ):
            rows = through.objects.filter(**{f"{column}__in": ids}).values(pid=models.F(owner))
            if count_first:
                rows = rows.annotate(n=models.Count("*"))
            shared.append(rows.order_by().query.sql_with_params())
        compiler = candidates.query.get_compiler(connection=connection)
        where, where_params = compiler.compile(candidates.query.where)
        quote = connection.ops.quote_name
        table = quote(Publication._meta.db_table)
        pk, published_at = f"{table}.{quote('id')}", f"{table}.{quote('published_at')}"
        (tags_sql, tags_params), (topics_sql, topics_params) = shared
        rows = f"({tags_sql} UNION ALL {topics_sql}) s"
        if count_first:
            statement = (
                f"SELECT c.pid FROM (SELECT s.pid AS pid, SUM(s.n) AS score FROM {rows} "  # noqa: S608
                f"GROUP BY s.pid) c CROSS JOIN {table} WHERE {pk} = c.pid AND {where} "
                f"ORDER BY c.score DESC, {published_at} DESC, {pk} DESC LIMIT %s"
            )
        else:
            statement = (
                f"SELECT {pk} FROM {rows} CROSS JOIN {table} "  # noqa: S608
                f"WHERE {pk} = s.pid AND {where} GROUP BY {pk}, {published_at} "
                f"ORDER BY COUNT(*) DESC, {published_at} DESC, {pk} DESC LIMIT %s"
            )
        with connection.cursor() as cursor:
            cursor.execute(statement, [*tags_params, *topics_params, *where_params, limit])
            return [row[0] for row in cursor.fetchall()]


def shared_reason(tag_names, topic_names):
    """ "shares tags: sanctions, North Korea; topic: Humanitarian aid" """
    parts = []
    if tag_names:
        parts.append(f"{'tags' if len(tag_names) > 1 else 'tag'}: {', '.join(tag_names)}")
    if topic_names:
        parts.append(f"{'topics' if len(topic_names) > 1 else 'topic'}: {', '.join(topic_names)}")
    return "shares " + "; ".join(parts)


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
