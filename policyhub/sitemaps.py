"""Sitemaps: published content only, each URL with a lastmod. Other apps' sitemaps are added to
``sitemaps`` below.

A listing page's lastmod is the newest ``updated_at`` of what it lists, computed in one aggregate
query per section, so the sitemap's cost does not grow with the number of items.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from options.models import PolicyOption, TaggedOption
from options.sitemaps import OptionSitemap, QuestionSitemap
from policyhub.pages.sitemaps import PageSitemap
from publications.models import Person, Publication, Region, TaggedPublication, Topic

from .tags import live_tags


class PublicationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Publication.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at


class WithPublishedSitemap(Sitemap):
    """Topic, region and people pages that list at least one published publication."""

    changefreq = "weekly"
    priority = 0.5
    model = None
    relation = None

    def subjects(self):
        return self.model.objects.all()

    def items(self):
        published = Publication.objects.published()
        return (
            self.subjects()
            .filter(pk__in=published.values(self.relation))
            .annotate(
                last_published_change=Max(
                    "publications__updated_at",
                    filter=Q(publications__in=published),
                )
            )
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.last_published_change


class PersonSitemap(WithPublishedSitemap):
    model = Person
    relation = "authors"

    def subjects(self):
        # The same people as their pages; the filter below already implies it.
        return Person.objects.visible()


class TopicSitemap(WithPublishedSitemap):
    model = Topic
    relation = "topics"


class RegionSitemap(WithPublishedSitemap):
    """Regions with published publications, and the regions above them: a region's page lists
    its sub-regions' publications too."""

    model = Region
    relation = "regions"

    def items(self):
        regions = {region.pk: region for region in Region.objects.all()}  # a few hundred at most
        listed = {}
        for tagged in super().items():
            node, seen = regions[tagged.pk], set()
            while node is not None and node.pk not in seen:  # bounded, like Region.ancestors()
                seen.add(node.pk)
                entry = listed.setdefault(node.pk, node)
                entry.last_published_change = max(
                    filter(
                        None,
                        [
                            getattr(entry, "last_published_change", None),
                            tagged.last_published_change,
                        ],
                    )
                )
                node = regions.get(node.parent_id)
        return sorted(listed.values(), key=lambda region: region.slug)


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        tags = list(live_tags().order_by("slug"))
        changes = {}
        for rows in (
            TaggedPublication.objects.filter(content_object__in=Publication.objects.published())
            .values("tag_id")
            .annotate(last=Max("content_object__updated_at"))
            .order_by(),
            TaggedOption.objects.filter(content_object__in=PolicyOption.objects.visible())
            .values("tag_id")
            .annotate(last=Max("content_object__updated_at"))
            .order_by(),
        ):
            for row in rows:
                changes[row["tag_id"]] = max(
                    filter(None, [changes.get(row["tag_id"]), row["last"]])
                )
        for tag in tags:
            tag.last_change = changes.get(tag.pk)
        return tags

    def location(self, item):
        return reverse("tag", args=[item.slug])

    def lastmod(self, item):
        return item.last_change


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        publications = Publication.objects.published().aggregate(last=Max("updated_at"))["last"]
        options = PolicyOption.objects.visible().aggregate(last=Max("updated_at"))["last"]
        return [
            ("home", publications),
            ("publications:list", publications),
            ("options:list", options),
            # The subject indexes list counts of published publications.
            ("publications:people", publications),
            ("publications:topics", publications),
            ("publications:regions", publications),
            ("tags", max(filter(None, [publications, options]), default=None)),
        ]

    def location(self, item):
        return reverse(item[0])

    def lastmod(self, item):
        return item[1]


sitemaps = {
    "static": StaticSitemap,
    "publications": PublicationSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
    "policy-questions": QuestionSitemap,
    "policy-options": OptionSitemap,
    "pages": PageSitemap,
}
