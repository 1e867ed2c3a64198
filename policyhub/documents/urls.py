from django.urls import path, register_converter

from . import views
from .formats import FORMATS

app_name = "documents"


class DocumentExtension:
    """One of the accepted types' extensions, so a cover's address never matches a download."""

    regex = "|".join(FORMATS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DocumentExtension, "document_ext")

urlpatterns = [
    path("<int:pk>/<slug:slug>.<document_ext:ext>", views.download, name="download"),
    path("<int:pk>/cover-<int:width>w.<ext>", views.cover, name="cover"),
]
