from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from .models import Document

# Short: a document whose publication is unpublished must soon stop being served from caches.
CACHE_SECONDS = 300


def _published_document(pk):
    return get_object_or_404(Document.objects.published().defer("page_texts"), pk=pk)


def _etag(request, pk, slug):
    document = Document.objects.published().filter(pk=pk).values_list("sha256", flat=True)
    checksum = document.first()
    return f'"{checksum}"' if checksum else None


@condition(etag_func=_etag)
def download(request, pk, slug):
    """A document's PDF, for readers: only while a published publication lists it."""
    document = _published_document(pk)
    if slug != document.slug:
        # Renamed: the readable part of the address follows the title.
        return redirect(document, permanent=True)
    try:
        file = document.file.open("rb")
    except OSError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        file,
        content_type="application/pdf",
        filename=f"{document.slug}.pdf",
        as_attachment=False,
    )
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
