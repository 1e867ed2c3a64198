"""Sitemaps: published content only. Other apps' sitemaps are added to ``sitemaps`` below."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from options.sitemaps import OptionSitemap, QuestionSitemap
from publications.models import Person, Publication, Region, Topic

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

    def items(self):
        published = Publication.objects.published()
        return self.model.objects.filter(pk__in=published.values(self.relation)).order_by("slug")


class PersonSitemap(WithPublishedSitemap):
    model = Person
    relation = "authors"


class TopicSitemap(WithPublishedSitemap):
    model = Topic
    relation = "topics"


class RegionSitemap(WithPublishedSitemap):
    model = Region
    relation = "regions"


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return live_tags().order_by("slug")

    def location(self, item):
        return reverse("tag", args=[item.slug])


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["home", "publications:list", "options:list"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "static": StaticSitemap,
    "publications": PublicationSitemap,
    "people": PersonSitemap,
    "topics": TopicSitemap,
    "regions": RegionSitemap,
    "tags": TagSitemap,
    "policy-questions": QuestionSitemap,
    "policy-options": OptionSitemap,
}
