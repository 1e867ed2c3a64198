"""A document's cover thumbnail: its first page rendered with PDFium (pypdfium2, whose wheel
carries the library), stored as WebP and JPEG renditions like images' (``make_renditions``).

Bounded: only the first page is rendered, at a scale that fits ``COVER_MAX_WIDTH`` ×
``COVER_MAX_HEIGHT`` pixels and never above ``MAX_SCALE``, so a page declared kilometres wide
costs no more than a normal one. The renditions are kept in the documents' own storage, outside
``MEDIA_ROOT``, and served by the site only while the document is (``views.cover``).
"""

import logging

import pypdfium2
from django.urls import reverse

from policyhub.editorial.images import ResponsiveImage, make_renditions, rendition_names

logger = logging.getLogger(__name__)

COVER_WIDTHS = (160, 320)
COVER_MAX_WIDTH = max(COVER_WIDTHS)
# A page taller than three times its width is drawn smaller rather than as a long strip.
COVER_MAX_HEIGHT = 3 * COVER_MAX_WIDTH
# Points to pixels: 2 is 144 dpi; a tiny page is not blown up past it.
MAX_SCALE = 2.0
# What the list shows (CSS pixels): the browser picks 160w or 320w from srcset.
COVER_SIZES = "80px"


def render_first_page(file):
    """The first page of an (already accepted) PDF as a PIL image, or None if PDFium cannot
    draw it: a missing cover never refuses a document pypdf could read."""
    file.seek(0)
    try:
        pdf = pypdfium2.PdfDocument(file)
        try:
            page = pdf[0]
            width, height = page.get_size()
            if width <= 0 or height <= 0:
                return None
            scale = min(COVER_MAX_WIDTH / width, COVER_MAX_HEIGHT / height, MAX_SCALE)
            image = page.render(scale=scale).to_pil()
            # The bitmap belongs to PDFium's buffers: a copy outlives the document.
            image = image.convert("RGB")
            page.close()
            return image
        finally:
            pdf.close()
    # PDFium reports every failure as PdfiumError, and a hostile file may trip others.
    except Exception:
        logger.info("No cover for %s", getattr(file, "name", "a document"), exc_info=True)
        return None
    finally:
        file.seek(0)


def make_cover(field_file, image):
    """The renditions record of the stored ``field_file``'s cover from its first page
    (``render_first_page``), or {} without one."""
    if image is None:
        return {}
    return make_renditions(field_file, COVER_WIDTHS, image)


def cover_names(record):
    return rendition_names(record)


def cover_picture(document):
    """The ``ResponsiveImage`` of a document's cover, with addresses on the site (the
    storage has none readers may use), or None."""
    record = document.cover or {}
    jpegs, webps = record.get("jpeg") or [], record.get("webp") or []
    if not jpegs:
        return None

    def url(item, extension):
        return reverse("documents:cover", args=[document.pk, item["width"], extension])

    def srcset(items, extension):
        return ", ".join(f"{url(item, extension)} {item['width']}w" for item in items)

    smallest = jpegs[0]
    return ResponsiveImage(
        src=url(smallest, "jpg"),
        width=smallest["width"],
        height=smallest["height"],
        srcset=srcset(jpegs, "jpg"),
        webp_srcset=srcset(webps, "webp"),
    )
