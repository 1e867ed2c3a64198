from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from .models import Document, document_storage

# Short: a document whose publication is unpublished must soon stop being served from caches.
CACHE_SECONDS = 300


def _published_document(pk):
    return get_object_or_404(Document.objects.published().defer("page_texts"), pk=pk)


def _etag(request, pk, slug, ext):
    document = Document.objects.published().filter(pk=pk).values_list("sha256", flat=True)
    checksum = document.first()
    return f'"{checksum}"' if checksum else None


@condition(etag_func=_etag)
def download(request, pk, slug, ext):
    """A document's file, for readers: only while a published publication lists it. A PDF
    opens in the browser; other types download under their name."""
    document = _published_document(pk)
    if slug != document.slug or ext != document.file_type:
        # Renamed: the readable part of the address follows the title.
        return redirect(document, permanent=True)
    try:
        file = document.file.open("rb")
    except OSError:
        raise Http404("The file is missing.") from None
    content_type = document.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        file,
        content_type=content_type,
        filename=f"{document.slug}.{document.file_type}",
        as_attachment=not document.is_pdf,
    )
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


COVER_TYPES = {"webp": ("webp", "image/webp"), "jpg": ("jpeg", "image/jpeg")}


def cover(request, pk, width, ext):
    """A rendition of a document's cover, on the same terms as the document itself."""
    if ext not in COVER_TYPES:
        raise Http404("No such cover.")
    key, content_type = COVER_TYPES[ext]
    record = get_object_or_404(Document.objects.published().values_list("cover", flat=True), pk=pk)
    names = [item["name"] for item in (record or {}).get(key, ()) if item["width"] == width]
    if not names:
        raise Http404("No such cover.")
    try:
        file = document_storage.open(names[0], "rb")
    except OSError:
        raise Http404("The file is missing.") from None
    response = FileResponse(file, content_type=content_type)
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
