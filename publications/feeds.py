from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Publication, Topic


class LatestPublicationsFeed(Feed):
    def title(self):
        return f"{settings.SITE_NAME}: latest publications"

    def link(self):
        return reverse("publications:list")

    def description(self):
        return f"The newest research and analysis from {settings.SITE_NAME}."

    def publications(self, obj):
        return Publication.objects.published()

    def items(self, obj=None):
        return self.publications(obj).for_listing()[: settings.PAGE_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(person.name for person in item.ordered_authors) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class TopicFeed(LatestPublicationsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or f"Publications on {obj.name} from {settings.SITE_NAME}."

    def publications(self, obj):
        return Publication.objects.published().with_topic(obj)
