from django.urls import reverse

from policyhub.editorial.site import site_name
from publications.feeds import AtomMixin, SubjectFeed
from publications.models import Publication

from .tags import live_tags


class TagFeed(SubjectFeed):
    def get_subjects(self):
        # As for the tag page: a tag used only by drafts or scheduled items is a 404.
        return live_tags()

    def description(self, obj):
        return f"Publications tagged “{obj.name}” from {site_name()}."

    def link(self, obj):
        return reverse("tag", args=[obj.slug])

    def publications(self, obj):
        return Publication.objects.published().with_tag(obj)


class TagAtomFeed(AtomMixin, TagFeed):
    pass
