import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Publication, Topic

# Characters XML 1.0 cannot carry. Django's feed writer raises on them (a 500), and they do reach
# titles and summaries: a vertical tab pasted from a word processor is enough.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(value):
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, list | tuple):
        return [xml_safe(item) for item in value]
    return value


class LatestPublicationsFeed(Feed):
    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = {key: xml_safe(value) for key, value in feed.feed.items()}
        feed.items = [{key: xml_safe(value) for key, value in item.items()} for item in feed.items]
        return feed

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
