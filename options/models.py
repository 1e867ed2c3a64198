from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from policyhub.editorial.links import slug_url
from policyhub.editorial.models import Publishable, PublishableQuerySet, RevisionRelations, Term
from policyhub.editorial.richtext import RichTextField
from publications.models import Publication, Region


class Track(Term):
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the matrix.")

    class Meta:
        ordering = ["order", "name"]


class Actor(Term):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)


class TaggedQuestion(TaggedItemBase):
    content_object = models.ForeignKey("PolicyQuestion", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_tag_per_question"
            )
        ]


class PolicyQuestionQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        # Fixtures (the demo's home slots) name it by slug, not by an id the import chose.
        return self.get(slug=slug)

    def for_detail(self):
        return self.prefetch_related("regions", "tags")

    def with_option_counts(self):
        """Published questions with ``option_count``: their published options only."""
        return self.annotate(
            option_count=Count(
                "options", filter=Q(options__in=PolicyOption.objects.published()), distinct=True
            )
        )


class PolicyQuestion(Publishable):
    on_dashboard = False
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    summary = models.TextField(blank=True)
    context = RichTextField(blank=True)
    regions = models.ManyToManyField(Region, related_name="policy_questions", blank=True)
    tags = TaggableManager(through=TaggedQuestion, blank=True)

    objects = PolicyQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        get_latest_by = "published_at"
        permissions = [("publish_policyquestion", "Can publish, schedule and unpublish questions")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("options:question", self.slug)

    def citing_publications(self):
        """Published publications cited by this question's visible options (no annotations, so
        any ordering and ``for_listing()`` apply; rows never repeat)."""
        options = PolicyOption.objects.visible().filter(question=self)
        return Publication.objects.published().filter(
            pk__in=OptionSource.objects.filter(option__in=options).values("publication_id")
        )

    def cited_publications(self):
        """Published publications citing this question's visible options, with stance counts."""
        stance = OptionSource.Stance
        options = PolicyOption.objects.visible().filter(question=self)
        # Filtering before annotating makes the counts use the same (filtered) join.
        return (
            Publication.objects.published()
            .filter(option_links__option__in=options)
            .annotate(
                option_count=Count("option_links", distinct=True),
                proposes_count=Count(
                    "option_links", filter=Q(option_links__stance=stance.PROPOSES), distinct=True
                ),
                supports_count=Count(
                    "option_links", filter=Q(option_links__stance=stance.SUPPORTS), distinct=True
                ),
                opposes_count=Count(
                    "option_links", filter=Q(option_links__stance=stance.OPPOSES), distinct=True
                ),
                discusses_count=Count(
                    "option_links", filter=Q(option_links__stance=stance.DISCUSSES), distinct=True
                ),
            )
            .order_by("-option_count", "-published_at", "-pk")
        )


class TaggedOption(TaggedItemBase):
    content_object = models.ForeignKey("PolicyOption", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_option")
        ]


class PolicyOptionQuerySet(PublishableQuerySet):
    def get_by_natural_key(self, slug):
        # Fixtures (the demo's home slots) name it by slug, not by an id the import chose.
        return self.get(slug=slug)

    def visible(self, at=None):
        """What readers may see: published options whose question is published too."""
        return self.filter(self.visible_condition(at))

    @classmethod
    def visible_condition(cls, at=None, prefix=""):
        at = at or timezone.now()
        return cls.published_condition(at, prefix) & cls.published_condition(
            at, f"{prefix}question__"
        )

    def for_listing(self):
        """What a card shows, in a fixed number of queries however many options there are."""
        return self.select_related("track", "question").prefetch_related(
            "actors",
            "tags",
            Prefetch(
                "source_links",
                queryset=OptionSource.objects.visible().select_related("publication"),
                to_attr="visible_sources",
            ),
        )

    def for_detail(self):
        """The full record: a listing plus the visible options on both prerequisite sides."""
        visible = PolicyOption.objects.visible().select_related("track")
        return self.for_listing().prefetch_related(
            Prefetch("prerequisites", queryset=visible, to_attr="visible_prerequisites"),
            Prefetch("unlocks", queryset=visible, to_attr="visible_unlocks"),
        )

    def filter_by(
        self,
        *,
        question=None,
        track=None,
        level="",
        timeframe="",
        status="",
        tag=None,
        actor=None,
    ):
        """Reader filters; empty values are ignored. M2M filters use subqueries (no duplicates)."""
        qs = self
        if question is not None:
            qs = qs.filter(question=question)
        if track is not None:
            qs = qs.filter(track=track)
        if level:
            qs = qs.filter(level=level)
        if timeframe:
            qs = qs.filter(timeframe=timeframe)
        if status:
            qs = qs.filter(real_world_status=status)
        if tag is not None:
            qs = qs.filter(pk__in=TaggedOption.objects.filter(tag=tag).values("content_object_id"))
        if actor is not None:
            qs = qs.filter(
                pk__in=PolicyOption.actors.through.objects.filter(actor=actor).values(
                    "policyoption_id"
                )
            )
        return qs

    def related_to(self, option, limit=6):
        """Options sharing the question and track, tags or actors, best matches first.

        Each result carries ``same_context``, ``shared_tag_count`` and ``shared_actor_count``.
        """
        # .all() reuses prefetched tags and actors when the caller has them.
        tag_ids = [tag.pk for tag in option.tags.all()]
        actor_ids = [actor.pk for actor in option.actors.all()]
        same_context = Q(question_id=option.question_id, track_id=option.track_id)
        tagged = TaggedOption.objects.filter(tag_id__in=tag_ids).values("content_object_id")
        acted = PolicyOption.actors.through.objects.filter(actor_id__in=actor_ids).values(
            "policyoption_id"
        )
        return (
            self.exclude(pk=option.pk)
            .filter(same_context | Q(pk__in=tagged) | Q(pk__in=acted))
            .annotate(
                same_context=models.Case(
                    models.When(same_context, then=1), default=0, output_field=models.IntegerField()
                ),
                shared_tag_count=Count(
                    "taggedoption", filter=Q(taggedoption__tag_id__in=tag_ids), distinct=True
                ),
                shared_actor_count=Count("actors", filter=Q(actors__in=actor_ids), distinct=True),
            )
            .order_by(
                "-same_context", "-shared_tag_count", "-shared_actor_count", "track__order", "title"
            )
            .select_related("track")
            .prefetch_related("tags", "actors")[:limit]
        )

    def prerequisite_map(self):
        """{option id: {prerequisite ids}} for these options, in one query."""
        edges = {}
        rows = PolicyOption.prerequisites.through.objects.filter(
            from_policyoption__in=self.values("pk")
        ).values_list("from_policyoption_id", "to_policyoption_id")
        for option_id, prerequisite_id in rows:
            edges.setdefault(option_id, set()).add(prerequisite_id)
        return edges

    def for_subject(self, subject):
        """Options about a publication's topic, a region (and sub-regions) or a tag."""
        from taggit.models import Tag

        from publications.models import Topic

        if isinstance(subject, Topic):
            citing = Publication.objects.published().filter(topics=subject)
            return self.filter(
                pk__in=OptionSource.objects.filter(publication__in=citing).values("option_id")
            )
        if isinstance(subject, Region):
            in_regions = PolicyOption.objects.filter(
                question__regions__in=subject.descendant_ids()
            ).values("pk")
            return self.filter(pk__in=in_regions)
        if isinstance(subject, Tag):
            return self.filter_by(tag=subject)
        return self.none()


class PolicyOption(Publishable):
    class Level(models.TextChoices):
        GOVERNMENTAL = "governmental", "Governmental"
        NONGOVERNMENTAL = "nongovernmental", "Nongovernmental"
        BOTH = "both", "Governmental and nongovernmental"

    class Timeframe(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate"
        NEAR_TERM = "near-term", "Near-term"
        LONG_TERM = "long-term", "Long-term"

    class RealWorldStatus(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        UNDER_CONSIDERATION = "under-consideration", "Under consideration"
        ADOPTED = "adopted", "Adopted"
        PARTIALLY_ADOPTED = "partially-adopted", "Partially adopted"
        REJECTED = "rejected", "Rejected"
        OVERTAKEN = "overtaken", "Overtaken by events"

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    question = models.ForeignKey(PolicyQuestion, on_delete=models.PROTECT, related_name="options")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="options")
    level = models.CharField(max_length=20, choices=Level.choices)
    timeframe = models.CharField(max_length=20, choices=Timeframe.choices)
    summary = models.TextField()
    description = RichTextField(blank=True)
    goals = models.TextField(blank=True)
    risks = models.TextField("risks and trade-offs", blank=True)
    actors = models.ManyToManyField(Actor, related_name="options", blank=True)
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="unlocks",
        blank=True,
        help_text="Options that must come first.",
    )
    conditions = models.TextField(
        "other prerequisites",
        blank=True,
        help_text='Conditions that are not options, one per line (e.g. "sanctions relief").',
    )
    real_world_status = models.CharField(
        max_length=24, choices=RealWorldStatus.choices, default=RealWorldStatus.PROPOSED
    )
    status_note = models.CharField(max_length=500, blank=True)
    status_date = models.DateField("status as of", null=True, blank=True)
    tags = TaggableManager(through=TaggedOption, blank=True)
    sources = models.ManyToManyField(
        Publication, through="OptionSource", related_name="policy_options", blank=True
    )

    objects = PolicyOptionQuerySet.as_manager()
    history = HistoricalRecords(bases=[RevisionRelations], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["track__order", "title"]
        get_latest_by = "published_at"
        permissions = [("publish_policyoption", "Can publish, schedule and unpublish options")]
        indexes = [
            models.Index(fields=["status", "published_at"], name="option_status_time"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("options:detail", self.slug)

    def relations_snapshot(self):
        """What a revision keeps of the relations (see ``RevisionRelations``), in display order."""
        return self.relations_snapshots([self.pk])[self.pk]

    @classmethod
    def relations_snapshots(cls, pks):
        """{pk: relations snapshot} for many options in four queries, however many."""
        pks = list(pks)
        snapshots = {
            pk: {"actors": [], "prerequisites": [], "tags": [], "sources": []} for pk in pks
        }
        queries = {
            "actors": cls.actors.through.objects.filter(policyoption_id__in=pks)
            .order_by("actor__name")
            .values_list("policyoption_id", "actor_id", "actor__name"),
            "prerequisites": cls.prerequisites.through.objects.filter(from_policyoption_id__in=pks)
            .order_by("to_policyoption__title")
            .values_list("from_policyoption_id", "to_policyoption_id", "to_policyoption__title"),
        }
        from policyhub.editorial.revisions import collect_relations

        tags = TaggedOption.objects.filter(content_object_id__in=pks)
        collect_relations(snapshots, queries, tags.values_list("content_object_id", "tag__name"))
        # The cited publication's title only: its body is no part of the snapshot.
        links = (
            OptionSource.objects.filter(option_id__in=pks)
            .select_related("publication")
            .only("option", "publication__title", "stance", "quote", "note")
            .order_by("order", "pk")
        )
        for link in links:
            snapshots[link.option_id]["sources"].append(
                {
                    "id": link.publication_id,
                    "label": source_label(link),
                    "stance": link.stance,
                    "quote": link.quote,
                    "note": link.note,
                }
            )
        return snapshots

    def restore_relations(self, snapshot):
        """Make the relations what ``snapshot`` says; returns notes on what could not be."""
        from policyhub.editorial.revisions import existing_ids

        notes = []
        if "actors" in snapshot:
            self.actors.set(existing_ids(Actor, snapshot["actors"], "actor", notes))
        if "prerequisites" in snapshot:
            wanted = existing_ids(
                PolicyOption, snapshot["prerequisites"], "prerequisite", notes, exclude=self.pk
            )
            try:
                # Other options may have changed since: never restore a cycle.
                self.check_prerequisites(PolicyOption.objects.filter(pk__in=wanted))
            except ValidationError:
                notes.append("The prerequisites were kept: the earlier ones would make a cycle.")
            else:
                self.prerequisites.set(wanted)
        if "tags" in snapshot:
            self.tags.set([item["label"] for item in snapshot["tags"]], clear=True)
        if "sources" in snapshot:
            items = {item["id"]: item for item in snapshot["sources"]}
            kept = existing_ids(Publication, snapshot["sources"], "source", notes)
            self.source_links.all().delete()
            OptionSource.objects.bulk_create(
                OptionSource(
                    option=self,
                    publication_id=pk,
                    stance=items[pk]["stance"],
                    quote=items[pk].get("quote", ""),
                    note=items[pk].get("note", ""),
                    order=order,
                )
                for order, pk in enumerate(kept)
            )
        return notes

    def related_options(self, limit=6):
        """[(option, [reason, ...]), ...]: visible options that share context, tags or actors."""
        tags = {tag.pk: tag.name for tag in self.tags.all()}
        actors = {actor.pk: actor.name for actor in self.actors.all()}
        related = []
        for other in PolicyOption.objects.visible().related_to(self, limit=limit):
            reasons = []
            if other.same_context:
                reasons.append("Same question and track")
            shared_tags = [tags[t.pk] for t in other.tags.all() if t.pk in tags]
            if shared_tags:
                reasons.append("Shared tags: " + ", ".join(sorted(shared_tags)))
            shared_actors = [actors[a.pk] for a in other.actors.all() if a.pk in actors]
            if shared_actors:
                reasons.append("Shared actors: " + ", ".join(sorted(shared_actors)))
            related.append((other, reasons))
        return related

    def sources_by_stance(self):
        """[(stance label, [OptionSource, ...]), ...] in stance order, published sources only."""
        links = getattr(self, "visible_sources", None)
        if links is None:
            links = self.source_links.visible().select_related("publication")
        groups = []
        for stance, label in OptionSource.Stance.choices:
            matching = [link for link in links if link.stance == stance]
            if matching:
                groups.append((stance, label, matching))
        return groups

    @property
    def condition_list(self):
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    def check_prerequisites(self, prerequisites):
        """Raise ValidationError if making ``prerequisites`` this option's would close a cycle."""
        prerequisite_ids = {p.pk for p in prerequisites}
        if self.pk in prerequisite_ids:
            raise ValidationError("An option cannot be its own prerequisite.")
        # Walk everything the proposed prerequisites depend on; meeting this option means a cycle.
        seen, frontier = set(), prerequisite_ids
        while frontier:
            if self.pk in frontier:
                raise ValidationError(
                    "These prerequisites would make a cycle: one of them already depends, "
                    "directly or through others, on this option."
                )
            seen |= frontier
            frontier = (
                set(
                    PolicyOption.prerequisites.through.objects.filter(
                        from_policyoption_id__in=frontier
                    ).values_list("to_policyoption_id", flat=True)
                )
                - seen
            )


def source_label(link):
    """A source as a revision shows it: every part an editor can change, so a diff shows it."""
    parts = [f"{link.publication.title} — {link.get_stance_display().lower()}"]
    if link.quote:
        parts.append(f"quote: {link.quote}")
    if link.note:
        parts.append(f"note: {link.note}")
    return "; ".join(parts)


class OptionSourceQuerySet(models.QuerySet):
    def visible(self):
        """Links to published publications only: drafts and scheduled ones are never cited."""
        # Each link's own publication, looked up by key: ``publication__in`` would first collect
        # the ids of every published publication (SQLite does), for the few links on a page.
        return self.filter(
            models.Exists(Publication.objects.published().filter(pk=models.OuterRef("publication")))
        )

    def with_options(self):
        """For the Publication admin page, which reaches this through ``option_links``."""
        return self.select_related("option", "option__track")


class OptionSource(models.Model):
    class Stance(models.TextChoices):
        PROPOSES = "proposes", "Proposes"
        SUPPORTS = "supports", "Supports"
        OPPOSES = "opposes", "Opposes"
        DISCUSSES = "discusses", "Discusses"

    option = models.ForeignKey(PolicyOption, on_delete=models.CASCADE, related_name="source_links")
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="option_links"
    )
    stance = models.CharField(max_length=12, choices=Stance.choices)
    quote = models.TextField("quoted passage", blank=True)
    note = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = OptionSourceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "publication"], name="unique_source_per_option"
            )
        ]

    def __str__(self):
        return f"{self.publication} {self.get_stance_display().lower()} {self.option}"
