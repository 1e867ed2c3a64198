"""Tags as readers see them: only those on published publications or visible policy options."""

from options.forms import visible_option_tags
from publications.forms import published_tags


def live_tags():
    """A tag used only by drafts or scheduled items does not exist for readers."""
    return published_tags() | visible_option_tags()
