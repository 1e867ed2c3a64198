"""RSS 2.0 and Atom feeds of published publications: site-wide and per topic, region and person.

Tag and policy-question feeds subclass ``SubjectFeed`` in ``policyhub/feeds.py`` and
``options/feeds.py``. A feed exists exactly when its page does, and lists ``published()`` only.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from policyhub.editorial.site import site_name

from .models import Person, Publication, Region, Topic

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
        return f"{site_name()}: latest publications"

    def link(self):
        return reverse("publications:list")

    def description(self):
        return f"The newest research and analysis from {site_name()}."

    def author_name(self):
        # Atom requires an author for entries without one; the institute is the fallback.
        return site_name()

    def publications(self, obj):
        return Publication.objects.published()

    def items(self, obj=None):
        return self.publications(obj).for_listing()[: settings.PAGE_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Feed readers take a description as HTML; the summary is plain text, so it is escaped
        # ("<b>" in a summary is shown, not obeyed).
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(person.name for person in item.ordered_authors) or None

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self._get_dynamic_attr("description", obj)


class LatestPublicationsAtomFeed(AtomMixin, LatestPublicationsFeed):
    pass


class SubjectFeed(LatestPublicationsFeed):
    """The feed of a subject page (topic, region, person, tag, question) at ``<page>feed/``."""

    def get_object(self, request, slug):
        return get_object_or_404(self.get_subjects(), slug=slug)

    def get_subjects(self):
        """The subjects whose page a reader may open; any other slug is a 404."""
        raise NotImplementedError

    def subject_name(self, obj):
        return obj.name

    def title(self, obj):
        return f"{site_name()}: {self.subject_name(obj)}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return (
            getattr(obj, "description", "")
            or f"Publications on {self.subject_name(obj)} from {site_name()}."
        )


class TopicFeed(SubjectFeed):
    def get_subjects(self):
        return Topic.objects.all()

    def publications(self, obj):
        return Publication.objects.published().with_topic(obj)


class RegionFeed(SubjectFeed):
    def get_subjects(self):
        return Region.objects.all()

    def publications(self, obj):
        # Sub-regions included, as on the region page.
        return Publication.objects.published().in_regions(obj.descendant_ids())


class PersonFeed(SubjectFeed):
    def get_subjects(self):
        return Person.objects.visible()

    def description(self, obj):
        return f"Publications by {obj.name} from {site_name()}."

    def publications(self, obj):
        return Publication.objects.published().by_author(obj)


class TopicAtomFeed(AtomMixin, TopicFeed):
    pass


class RegionAtomFeed(AtomMixin, RegionFeed):
    pass


class PersonAtomFeed(AtomMixin, PersonFeed):
    pass
