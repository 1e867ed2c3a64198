from django.http import Http404
from django.views.generic import DetailView

from policyhub.editorial.preview import PreviewMixin

from .models import Page


class PageDetailView(DetailView):
    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.visible().for_detail()

    def get_object(self, queryset=None):
        """The page at this path, each segment a slug under the one before, in one query."""
        page = self.get_queryset().at_path(self.kwargs["path"]).first()
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
