import re

from django.http import Http404
from django.views.generic import DetailView

from policyhub.editorial.preview import PreviewMixin

from .models import MAX_DEPTH, Page

SEGMENT_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


class PageDetailView(DetailView):
    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.visible().for_detail()

    def get_object(self, queryset=None):
        """The page at this path, each segment a slug under the one before, in one query."""
        segments = self.kwargs["path"].split("/")
        if len(segments) > MAX_DEPTH or not all(SEGMENT_RE.match(s) for s in segments):
            raise Http404
        lookup = {"parent__" * len(segments) + "isnull": True} if len(segments) < MAX_DEPTH else {}
        for depth, slug in enumerate(reversed(segments)):
            lookup["parent__" * depth + "slug"] = slug
        page = self.get_queryset().filter(**lookup).first()
        if page is None:
            raise Http404
        return page

    def get_context_data(self, **kwargs):
        return super().get_context_data(ancestors=self.object.ancestors(), **kwargs)


class PagePreviewView(PreviewMixin, PageDetailView):
    model = Page

    def get_object(self, queryset=None):
        # By id, in any state.
        return DetailView.get_object(self, queryset)


page_detail = PageDetailView.as_view()
page_preview = PagePreviewView.as_view()
