"""The editorial core: what makes content publishable, and the records kept around it."""

import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from solo.models import SingletonModel

from . import workflow
from .fields import HttpsURLField
from .images import HERO_WIDTHS, CheckedImageField, ResponsiveImage, save_with_renditions

# A figure spans the text column, as a publication's hero image does.
FIGURE_WIDTHS = HERO_WIDTHS


class PublishableQuerySet(models.QuerySet):
    """The one definition of "published", shared by every publishable model in the project."""

    @staticmethod
    def published_condition(at=None, prefix=""):
        """``prefix`` ("publication__") tests a related row through the join that loads it:
        ``publication__in=published()`` makes SQLite collect every published id first."""
        return models.Q(
            **{
                f"{prefix}status": Publishable.Status.PUBLISHED,
                f"{prefix}published_at__lte": at or timezone.now(),
            }
        )

    def published(self, at=None):
        # Through the class: the search applies this to its own document rows, which carry a
        # copy of the status and publish time (policyhub/search/documents.py).
        return self.filter(PublishableQuerySet.published_condition(at))

    def hidden(self, at=None):
        """Everything ``published(at)`` leaves out: drafts, items in review, unpublished and
        scheduled ones, and published ones without a publish time."""
        return self.exclude(PublishableQuerySet.published_condition(at))

    def drafts(self):
        return self.filter(status=Publishable.Status.DRAFT)

    def in_review(self):
        return self.filter(status=Publishable.Status.REVIEW)

    def unpublished(self):
        return self.filter(status=Publishable.Status.UNPUBLISHED)

    def scheduled(self, at=None):
        return self.filter(
            status=Publishable.Status.PUBLISHED, published_at__gt=at or timezone.now()
        )


UNKNOWN = object()  # a field not loaded (deferred)


class StateChange(models.Model):
    """One move of a publishable item through the workflow: who, when, from what to what."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(
        max_length=12, choices=workflow.Status.choices, blank=True, help_text="Empty: created."
    )
    to_status = models.CharField(max_length=12, choices=workflow.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="state_change_item"),
        ]

    def __str__(self):
        return f"{self.from_status or 'new'} → {self.to_status}"


class RevisionRelations(models.Model):
    """Base of every historical record: the item's relations as they were after that save.

    simple-history copies a row's own fields; tags, ordered authors and sources live in other
    tables (through models, taggit) that it cannot follow, so each record also keeps a JSON
    snapshot, ``{"tags": [{"label": ...}], "authors": [{"id": ..., "label": ...}], ...}``, made
    by the model's ``relations_snapshot()`` (see ``revisions.py``).
    """

    relations = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


class Publishable(models.Model):
    """Status and publish time: content is visible to readers only once both say so.

    Every change of status made through ``save()`` (the admin, the model methods, scripts) is
    logged as a ``StateChange``; set ``changed_by`` first to say who made it. Bulk
    ``QuerySet.update()`` sends no signal and logs nothing.
    """

    # Restoring an earlier revision never changes these: a restore must not publish or
    # unpublish anything behind the editor's back (publishing has its own permission).
    REVISION_KEEP_FIELDS = ("status", "published_at", "created_at", "updated_at", "created_by")

    Status = workflow.Status

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publish time",
        null=True,
        blank=True,
        help_text="Readers see the item from this moment on. Leave empty to publish now.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state_changes = GenericRelation(StateChange)
    pending_changes = GenericRelation("editorial.PendingChange")
    review_comments = GenericRelation("editorial.ReviewComment")

    on_dashboard = True  # listed on the editors' dashboard (dashboard.py)
    changed_by = None  # the user behind the next save(), for the log; not a field
    _loaded_status = None  # the status as stored, None for an item not saved yet

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            # Whole seconds, as the admin's form edits it: a later save of the unchanged form
            # then changes nothing (nor the cached counts, which a changed publish time retires).
            self.published_at = timezone.now().replace(microsecond=0)
        user = self.changed_by if getattr(self.changed_by, "pk", None) else None
        if self._state.adding and self.created_by_id is None:
            self.created_by = user
        previous = self._loaded_status
        if previous is UNKNOWN:
            previous = type(self)._base_manager.filter(pk=self.pk).values_list("status").get()[0]
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if previous != self.status and (update_fields is None or "status" in update_fields):
                StateChange.objects.create(
                    item=self, from_status=previous or "", to_status=self.status, user=user
                )
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status", UNKNOWN)
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        fields = kwargs.get("fields") or (args[1] if len(args) > 1 else None)
        if fields is None or "status" in fields:
            self._loaded_status = self.status

    def move_to(self, status, user=None):
        """Move through the workflow, checked by ``workflow.check`` (for ``user`` when given).

        save() rather than a queryset update(): timestamps, the log and save hooks (the search
        index) stay in step. Returns False when the item already has that status.
        """
        current = self._stored_status()
        workflow.check(type(self), current, status, user)
        if current == status:
            return False
        self.status = status
        self.changed_by = user
        self.save()
        return True

    def publish(self, user=None):
        """Publish now, or at the publish time already set (a scheduled item stays scheduled)."""
        return self.move_to(self.Status.PUBLISHED, user)

    def unpublish(self, user=None):
        return self.move_to(self.Status.UNPUBLISHED, user)

    def submit_for_review(self, user=None):
        return self.move_to(self.Status.REVIEW, user)

    def _stored_status(self):
        if self._state.adding:
            return workflow.NEW
        if self._loaded_status is UNKNOWN:
            return type(self)._base_manager.filter(pk=self.pk).values_list("status").get()[0]
        return self._loaded_status

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state_label(self):
        """What editors call the state: the status, or "Scheduled" while the time is ahead."""
        return "Scheduled" if self.is_scheduled else self.get_status_display()


def publishable_models():
    """Every concrete publishable model of the installed apps."""
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


class HeroImageField(CheckedImageField):
    """Stored under its model's ``HERO_UPLOAD_TO`` folder. Migrations record a plain
    ``CheckedImageField`` with that folder, so sharing the field changes no model's state."""

    def contribute_to_class(self, cls, name, **kwargs):
        self.upload_to = cls.HERO_UPLOAD_TO
        super().contribute_to_class(cls, name, **kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "policyhub.editorial.images.CheckedImageField", args, kwargs


class WithHeroImage(models.Model):
    """A hero image shown above the text, with its alt text, caption and credit, and the
    renditions pages show of it (``hero_picture``). The image is checked on upload
    (``CheckedImageField``); alt text is required with an image."""

    # The folder of new uploads (strftime's %Y as in any upload_to); a model may set its own.
    HERO_UPLOAD_TO = "heroes/%Y/"

    hero_image = HeroImageField(blank=True)
    hero_alt = models.CharField(
        "hero image alt text",
        max_length=300,
        blank=True,
        help_text="Describe the image for readers who cannot see it.",
    )
    hero_caption = models.CharField(max_length=500, blank=True)
    hero_credit = models.CharField(max_length=300, blank=True)
    # Written on save from the hero image (images.py), never by hand.
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, **kwargs):
        save_with_renditions(
            self, "hero_image", "hero_renditions", HERO_WIDTHS, super().save, kwargs
        )

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the hero image (alt text) for readers."})

    @cached_property
    def hero_picture(self):
        return ResponsiveImage.from_field(self.hero_image, self.hero_renditions)


class Term(models.Model):
    """A named category editors keep and readers browse by (types, topics, regions, tracks,
    actors): its name, the slug its page lives at, and a description."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class OldSlug(models.Model):
    """A slug an item used to have: its old address answers 301 to the item's current one.

    Recorded by ``redirects.py`` when a slug changes. The target is the object, not its
    new slug, so a chain of renames (A → B → C) always leads straight to the current address.
    """

    class Kind(models.TextChoices):
        PUBLICATION = "publication", "Publication"
        OPTION = "option", "Policy option"
        PERSON = "person", "Person"
        TOPIC = "topic", "Topic"
        REGION = "region", "Region"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    slug = models.CharField("old slug", max_length=300)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "slug"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="unique_old_slug_per_kind")
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="old_slug_target")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.slug}"


class PendingChange(models.Model):
    """Changes to a published item that readers do not see yet: a working copy on top of the
    live version, one per item, kept as the fields and relations snapshot that revisions keep
    (``pending.py`` saves and applies it)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        REJECTED = "rejected", "Rejected"
        SCHEDULED = "scheduled", "Scheduled"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    fields = models.JSONField(default=dict)
    relations = models.JSONField(default=dict)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    go_live_at = models.DateTimeField(
        "goes live at",
        null=True,
        blank=True,
        help_text="Scheduled: replaces the live version then.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        get_latest_by = "saved_at"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_pending_change_per_item"
            )
        ]
        indexes = [models.Index(fields=["state", "go_live_at"], name="pending_change_due")]

    def __str__(self):
        return f"Pending changes to {self.content_type.model} {self.object_id}"

    @property
    def token(self):
        """Which pending version a form was loaded at (for the no-silent-overwrite check)."""
        return f"{self.pk}:{self.saved_at.timestamp():.6f}"


class ReviewComment(models.Model):
    """What a reviewer said about an item's pending changes; kept after they go live or are
    discarded, and shown on the item's change page."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40, blank=True, help_text="e.g. “Rejected”.")
    text = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="review_comment_item"),
        ]

    def __str__(self):
        return f"{self.action or 'Comment'} on {self.content_type.model} {self.object_id}"


class SiteSettings(SingletonModel):
    """The site's name, logo, footer and share image, edited in the admin. Read through
    ``site.current()`` (cached with the pages); an empty field keeps the site's default."""

    site_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="Empty: the name the server was set up with (SITE_NAME).",
    )
    tagline = models.CharField(
        max_length=200, blank=True, help_text="Under the name on the home page. Plain text."
    )
    logo = CheckedImageField(
        upload_to="site/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        help_text="Shown in the header instead of the name (which becomes its alt text).",
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    footer_text = models.TextField(max_length=500, blank=True, help_text="Plain text.")
    share_image = CheckedImageField(
        upload_to="site/",
        blank=True,
        help_text="Shown when a page with no image of its own is shared (og:image); "
        "1200 × 630 pixels suits most networks.",
    )
    share_image_alt = models.CharField(
        "share image alt text", max_length=300, blank=True, help_text="Describe the image."
    )
    # Written on save from the share image, never by hand.
    share_image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    legal_name = models.CharField(
        max_length=200, blank=True, help_text="The organisation's registered name, if different."
    )
    organisation_logo = CheckedImageField(
        upload_to="site/",
        blank=True,
        width_field="organisation_logo_width",
        height_field="organisation_logo_height",
        help_text="For search engines: a square logo, at least 112 × 112 pixels. The header "
        "logo if empty.",
    )
    organisation_logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    organisation_logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, **kwargs):
        save_with_renditions(
            self, "share_image", "share_image_renditions", HERO_WIDTHS, super().save, kwargs
        )

    def clean(self):
        super().clean()
        if self.share_image and not self.share_image_alt.strip():
            raise ValidationError({"share_image_alt": "Describe the share image (alt text)."})


class SocialLink(models.Model):
    """A profile of the organisation elsewhere: listed in the footer, and the ``sameAs`` of its
    JSON-LD."""

    site = models.ForeignKey(SiteSettings, on_delete=models.CASCADE, related_name="social_links")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=60, help_text="As readers see it: “LinkedIn”.")
    url = HttpsURLField("URL", help_text="https:// only.")

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label

    def clean(self):
        if self.url and not self.url.startswith("https://"):
            raise ValidationError({"url": "Profile links must start with https://."})


class LibraryImage(models.Model):
    """An uploaded image editors place in rich text (a figure: ``<figure data-image="id">``),
    with its alt text, caption and credit kept once for every text that shows it."""

    title = models.CharField(
        max_length=200, help_text="For finding it here; readers do not see it."
    )
    image = CheckedImageField(upload_to="library/%Y/")
    alt = models.CharField(
        "alt text",
        max_length=300,
        help_text="Describe the image for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(max_length=300, blank=True)
    # The image's name across sites: an exported text names its figures by key, because the
    # numbers of one site's library mean other images, or none, on another.
    key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Names the image in exported files, whatever its number on another site.",
    )
    # Written on save from the image (editorial/images.py), never by hand.
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = "image"

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        save_with_renditions(self, "image", "renditions", FIGURE_WIDTHS, super().save, kwargs)

    @cached_property
    def picture(self):
        return ResponsiveImage.from_field(self.image, self.renditions)

    def shown_in(self, limit=20):
        """The publishable items (any state) whose rich text places this image, a query per
        model: what deleting or changing it would touch."""
        from .richtext import RichTextField

        marker = f'data-image="{self.pk}"'
        found = []
        for model in publishable_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, RichTextField)]
            if fields and self.pk is not None:
                condition = models.Q()
                for name in fields:
                    condition |= models.Q(**{f"{name}__contains": marker})
                found += model.objects.filter(condition).order_by("pk")[:limit]
        return found[:limit]
