from django.contrib.sitemaps import Sitemap

from .models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Page.objects.visible().for_links().order_by("pk")

    def lastmod(self, item):
        return item.updated_at
