"""Pages editors write (About, Contact, Privacy...), the menus that link them, the home page's
curated slots, and redirects."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from options.models import PolicyOption, PolicyOptionQuerySet, PolicyQuestion
from policyhub.editorial.fields import HttpsURLField
from policyhub.editorial.images import (
    HERO_WIDTHS,
    CheckedImageField,
    ResponsiveImage,
    save_with_renditions,
)
from policyhub.editorial.models import (
    Publishable,
    PublishableQuerySet,
    RevisionRelations,
    WithHeroImage,
)
from policyhub.editorial.richtext import RichTextField
from publications.models import Publication, Topic

from .reserved import reserved_segments

SEGMENT_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
# About › Board › Minutes at most: visibility (every ancestor published) is then one query.
MAX_DEPTH = 3


class PageQuerySet(PublishableQuerySet):
    def visible(self, at=None):
        """Published pages whose every parent page is published too."""
        return self.filter(self.visible_condition(at))

    @classmethod
    def visible_condition(cls, at=None, prefix=""):
        at = at or timezone.now()
        condition = Q(**{prefix + "parent__" * MAX_DEPTH + "isnull": True})
        for depth in range(MAX_DEPTH - 1, 0, -1):
            parent = prefix + "parent__" * depth
            condition = Q(**{f"{parent}isnull": True}) | (
                cls.published_condition(at, parent) & condition
            )
        return cls.published_condition(at, prefix) & condition

    def for_links(self):
        """Enough of the parents to build each page's URL without a query per page."""
        return self.select_related("parent__parent")

    def for_detail(self):
        return self.for_links()

    def at_path(self, path):
        """The page at ``about/board``: each segment a slug under the one before, one query."""
        segments = path.strip("/").split("/")
        if len(segments) > MAX_DEPTH or not all(SEGMENT_RE.match(s) for s in segments):
            return self.none()
        lookup = {"parent__" * len(segments) + "isnull": True} if len(segments) < MAX_DEPTH else {}
        for depth, slug in enumerate(reversed(segments)):
            lookup["parent__" * depth + "slug"] = slug
        return self.filter(**lookup)


class Page(WithHeroImage, Publishable):
    on_dashboard = False
    HERO_UPLOAD_TO = "pages/%Y/"
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100, help_text="The last part of the address: /about/board/ for “board”."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=f"Put the page under another (at most {MAX_DEPTH} levels).",
    )
    summary = models.TextField(blank=True, help_text="Plain text, shown under the title.")
    body = RichTextField(blank=True)
    seo_title = models.CharField(
        "SEO title", max_length=70, blank=True, help_text="For search engines; the title if empty."
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=160,
        blank=True,
        help_text="The meta description; the summary if empty.",
    )

    objects = PageQuerySet.as_manager()
    # Renditions are derived from the image: a restored revision has them made again at save.
    history = HistoricalRecords(
        bases=[RevisionRelations], excluded_fields=["updated_at", "hero_renditions"]
    )

    class Meta:
        ordering = ["title", "pk"]
        get_latest_by = "published_at"
        permissions = [("publish_page", "Can publish, schedule and unpublish pages")]
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="unique_page_slug_per_parent"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(parent__isnull=True), name="unique_top_page_slug"
            ),
        ]

    def __str__(self):
        return self.title

    def ancestors(self):
        """From the top page down to the parent; bounded so a bad cycle cannot hang."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen and len(chain) < MAX_DEPTH:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self):
        return "/".join([*(page.slug for page in self.ancestors()), self.slug])

    def get_absolute_url(self):
        return reverse("pages:page", args=[self.path])

    def clean(self):
        super().clean()
        if self.parent_id is None and self.slug.lower() in reserved_segments():
            raise ValidationError(
                {
                    "slug": f"/{self.slug}/ is the address of another part of the site; "
                    "choose another."
                }
            )
        if self.parent_id is not None:
            if self.pk and any(
                page.pk == self.pk for page in [*self.parent.ancestors(), self.parent]
            ):
                raise ValidationError({"parent": "A page cannot sit inside itself."})
            if len(self.parent.ancestors()) + 2 > MAX_DEPTH:
                raise ValidationError({"parent": f"Pages nest at most {MAX_DEPTH} levels deep."})

    def relations_snapshot(self):
        return {}

    def restore_relations(self, snapshot):
        return []


class Menu(models.Model):
    class Place(models.TextChoices):
        HEADER = "header", "Header"
        FOOTER = "footer", "Footer"

    place = models.CharField(max_length=10, choices=Place.choices, unique=True)

    class Meta:
        ordering = ["place"]

    def __str__(self):
        return f"{self.get_place_display()} menu"


# The listings a menu may link to, by URL name.
LISTINGS = [
    ("home", "Home"),
    ("publications:list", "Publications"),
    ("options:list", "Policy options"),
    ("options:questions", "Policy questions"),
    ("options:matrix", "Options matrix"),
    ("publications:people", "Experts"),
    ("publications:topics", "Topics"),
    ("publications:regions", "Regions"),
    ("tags", "Tags"),
    ("search:search", "Search"),
]
TARGETS = ["page", "publication", "topic", "question", "listing", "url"]


class MenuItemQuerySet(models.QuerySet):
    def visible(self, at=None):
        """Items whose target readers may see: a hidden page, publication or question hides
        the item (and its label) altogether."""
        at = at or timezone.now()
        published = PublishableQuerySet.published_condition
        return self.filter(
            Q(page__isnull=True) | PageQuerySet.visible_condition(at, "page__"),
            Q(publication__isnull=True) | published(at, "publication__"),
            Q(question__isnull=True) | published(at, "question__"),
        ).select_related("menu", "page__parent__parent", "publication", "topic", "question")


class MenuItem(models.Model):
    menu = models.ForeignKey(Menu, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(
        max_length=80, blank=True, help_text="Shown in the menu; the target's title if empty."
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(
        PolicyQuestion, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    listing = models.CharField(max_length=40, blank=True, choices=LISTINGS)
    url = HttpsURLField("external URL", blank=True, help_text="https:// only.")

    objects = MenuItemQuerySet.as_manager()

    class Meta:
        ordering = ["menu", "order", "pk"]

    def __str__(self):
        return self.text or "(no target)"

    def targets(self):
        return [
            name
            for name in TARGETS
            if getattr(self, name if name in ("listing", "url") else f"{name}_id")
        ]

    def clean(self):
        if len(self.targets()) != 1:
            raise ValidationError(
                "Choose exactly one target: a page, publication, topic, question, listing or URL."
            )
        if self.url and not self.url.startswith("https://"):
            raise ValidationError({"url": "External links must start with https://."})
        if self.url and not self.label.strip():
            raise ValidationError({"label": "Give an external link a label."})

    @property
    def text(self):
        if self.label:
            return self.label
        for name in ("page", "publication", "question"):
            target = getattr(self, name)
            if target is not None:
                return target.title
        if self.topic is not None:
            return self.topic.name
        return dict(LISTINGS).get(self.listing, "")

    @property
    def href(self):
        for name in ("page", "publication", "topic", "question"):
            target = getattr(self, name)
            if target is not None:
                return target.get_absolute_url()
        if self.listing:
            try:
                return reverse(self.listing)
            except NoReverseMatch:
                return ""
        return self.url


class Redirect(models.Model):
    """An address readers may still follow (a previous site's URL) sent on to a page or a URL.

    Served only where the site answers 404 (``redirects.RedirectMiddleware``): a live page at
    the same address always wins."""

    class Kind(models.IntegerChoices):
        PERMANENT = 301, "301 permanent"
        TEMPORARY = 302, "302 temporary"

    old_path = models.CharField(
        "old address",
        max_length=500,
        unique=True,
        help_text="A path on this site, such as /reports/2019/annual.aspx (a full URL is cut "
        "to its path; the query string and a final slash are ignored).",
    )
    page = models.ForeignKey(
        Page,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="redirects",
        help_text="Follows the page if it moves.",
    )
    url = models.CharField(
        "URL",
        max_length=500,
        blank=True,
        help_text="Instead of a page: a path on this site (/publications/) or an https:// URL.",
    )
    status = models.PositiveSmallIntegerField(choices=Kind.choices, default=Kind.PERMANENT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["old_path"]
        get_latest_by = "updated_at"

    def __str__(self):
        return self.old_path

    def save(self, *args, **kwargs):
        # Normalised whatever the path (admin, CSV, script), so a lookup is one equality.
        from .redirects import normalise_path

        self.old_path = normalise_path(self.old_path)
        super().save(*args, **kwargs)

    def clean(self):
        from .redirects import check_redirect

        check_redirect(self)

    @property
    def target(self):
        """Where it leads, as editors read it: the page's address or the URL."""
        return self.page.get_absolute_url() if self.page_id else self.url


SLOT_TARGETS = ["publication", "option", "question", "page"]


def _one_target(name):
    return Q(**{f"{other}__isnull": other != name for other in SLOT_TARGETS})


class HomeSlotQuerySet(models.QuerySet):
    def visible(self, at=None):
        """Slots whose target readers may see, with the target, in one query: a hidden target
        (draft, in review, scheduled, unpublished, or an option of a hidden question) takes
        its slot away, leaving no gap."""
        at = at or timezone.now()
        published = PublishableQuerySet.published_condition
        return self.filter(
            Q(publication__isnull=True) | published(at, "publication__"),
            Q(option__isnull=True) | PolicyOptionQuerySet.visible_condition(at, "option__"),
            Q(question__isnull=True) | published(at, "question__"),
            Q(page__isnull=True) | PageQuerySet.visible_condition(at, "page__"),
        ).select_related(
            "publication__publication_type", "option__question", "question", "page__parent__parent"
        )


class HomeSlot(models.Model):
    """One place in the home page's curated block, in ``order``: a publication, a policy
    option, a question or a page, with what the card shows optionally rewritten."""

    order = models.PositiveSmallIntegerField(default=0)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    option = models.ForeignKey(
        PolicyOption,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="policy option",
    )
    question = models.ForeignKey(
        PolicyQuestion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="policy question",
    )
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="Shown on the home page; the target's title if empty."
    )
    summary = models.TextField(blank=True, help_text="Plain text; the target's summary if empty.")
    image = CheckedImageField(
        upload_to="home/%Y/",
        blank=True,
        help_text="Instead of the publication's or the page's hero image (options and questions "
        "have none of their own).",
    )
    image_alt = models.CharField(
        "image alt text",
        max_length=300,
        blank=True,
        help_text="Describe the image for readers who cannot see it.",
    )
    # Written on save from the image, never by hand.
    image_renditions = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HomeSlotQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "home page slot"
        constraints = [
            models.CheckConstraint(
                condition=(
                    _one_target("publication")
                    | _one_target("option")
                    | _one_target("question")
                    | _one_target("page")
                ),
                name="home_slot_exactly_one_target",
            )
        ]

    def __str__(self):
        target = self.target
        return self.title or (str(target) if target is not None else "(no target)")

    def save(self, **kwargs):
        save_with_renditions(self, "image", "image_renditions", HERO_WIDTHS, super().save, kwargs)

    def clean(self):
        chosen = [name for name in SLOT_TARGETS if getattr(self, f"{name}_id")]
        if len(chosen) != 1:
            raise ValidationError(
                "Choose exactly one target: a publication, a policy option, a question or a page."
            )
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image (alt text) for readers."})

    @property
    def target(self):
        for name in SLOT_TARGETS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @property
    def kind(self):
        """What the card says the target is, above its title."""
        if self.publication_id:
            return self.publication.publication_type.name
        if self.option_id:
            return "Policy option"
        if self.question_id:
            return "Policy question"
        return "Page"

    @property
    def shown_title(self):
        return self.title or self.target.title

    @property
    def shown_summary(self):
        return self.summary or self.target.summary

    @property
    def picture(self):
        """(image, alt): the slot's own image, else the publication's or page's hero image, else
        (None, "")."""
        if self.image:
            return ResponsiveImage.from_field(self.image, self.image_renditions), self.image_alt
        if self.publication_id and self.publication.hero_image:
            return self.publication.hero_picture, self.publication.hero_alt
        if self.page_id and self.page.hero_image:
            return self.page.hero_picture, self.page.hero_alt
        return None, ""
