"""Tags as readers see them: only those on published publications or visible policy options."""

from taggit.models import Tag

from options.models import PolicyOption, TaggedOption
from publications.forms import published_tags


def live_tags():
    """A tag used only by drafts or scheduled items does not exist for readers."""
    on_options = TaggedOption.objects.filter(
        content_object__in=PolicyOption.objects.visible()
    ).values("tag_id")
    return Tag.objects.filter(pk__in=published_tags().values("pk")) | Tag.objects.filter(
        pk__in=on_options
    )
