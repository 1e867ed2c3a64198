from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from publications.models import Publication, Publishable, PublishableQuerySet, Region
from publications.richtext import RichTextField


class Track(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the matrix.")

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Actor(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaggedQuestion(TaggedItemBase):
    content_object = models.ForeignKey("PolicyQuestion", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="unique_tag_per_question"
            )
        ]


class PolicyQuestion(Publishable):
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300, unique=True)
    summary = models.TextField(blank=True)
    context = RichTextField(blank=True)
    regions = models.ManyToManyField(Region, related_name="policy_questions", blank=True)
    tags = TaggableManager(through=TaggedQuestion, blank=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        get_latest_by = "published_at"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("options:question", args=[self.slug])


class TaggedOption(TaggedItemBase):
    content_object = models.ForeignKey("PolicyOption", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_tag_per_option")
        ]


class PolicyOptionQuerySet(PublishableQuerySet):
    pass


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

    class Meta:
        ordering = ["track__order", "title"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["status", "published_at"], name="option_status_time"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("options:detail", args=[self.slug])

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

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "publication"], name="unique_source_per_option"
            )
        ]

    def __str__(self):
        return f"{self.publication} {self.get_stance_display().lower()} {self.option}"
