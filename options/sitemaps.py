from django.contrib.sitemaps import Sitemap

from .models import PolicyOption, PolicyQuestion


class OptionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return PolicyOption.objects.visible().order_by("pk")

    def lastmod(self, option):
        return option.updated_at


class QuestionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return PolicyQuestion.objects.published().order_by("pk")

    def lastmod(self, question):
        return question.updated_at
