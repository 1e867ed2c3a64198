"""A document's cover thumbnail: its first page rendered with PDFium (pypdfium2, whose wheel
carries the library), stored as WebP and JPEG renditions like images' (``make_renditions``).

Bounded: only the first page is rendered, at a scale that fits ``COVER_MAX_WIDTH`` ×
``COVER_MAX_HEIGHT`` pixels and never above ``MAX_SCALE``, so a page declared kilometres wide
costs no more than a normal one; in its own process, stopped after ``DOCUMENT_COVER_SECONDS``
and capped at ``DOCUMENT_COVER_MEMORY`` bytes, so a page built to be slow costs that at most.
The renditions are kept in the documents' own storage, outside ``MEDIA_ROOT``, and served by
the site only while the document is (``views.cover``).
"""

import logging
import shutil
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from PIL import Image

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
RENDERER = Path(__file__).with_name("render_cover.py")


def render_first_page(file):
    """The first page of an (already accepted) PDF as a PIL image, or None if PDFium cannot
    draw it within ``DOCUMENT_COVER_SECONDS`` and ``DOCUMENT_COVER_MEMORY``: a missing cover
    never refuses a document pypdf could read. Drawn in a process of its own
    (``render_cover.py``) that is killed at the time limit, so a hostile first page cannot hang
    the request or take the worker's memory."""
    seconds = settings.DOCUMENT_COVER_SECONDS
    name = getattr(file, "name", "a document")
    try:
        with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
            file.seek(0)
            shutil.copyfileobj(file, copy, 1024 * 1024)
            copy.flush()
            result = subprocess.run(  # noqa: S603 - our own script, arguments we made
                [
                    sys.executable,
                    str(RENDERER),
                    copy.name,
                    str(COVER_MAX_WIDTH),
                    str(COVER_MAX_HEIGHT),
                    str(MAX_SCALE),
                    str(settings.DOCUMENT_COVER_MEMORY),
                    str(seconds),
                ],
                capture_output=True,
                timeout=seconds,
                check=False,
            )
    except subprocess.TimeoutExpired:
        logger.warning("No cover for %s: drawing its first page took over %ss", name, seconds)
        return None
    except OSError:
        logger.warning("No cover for %s: the renderer could not run", name, exc_info=True)
        return None
    finally:
        file.seek(0)
    if result.returncode != 0:
        logger.info("No cover for %s: %s", name, result.stderr.decode(errors="replace")[-500:])
        return None
    with Image.open(BytesIO(result.stdout)) as image:
        image.load()
        return image.convert("RGB")


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
