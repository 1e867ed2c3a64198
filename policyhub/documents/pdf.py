"""Reading an uploaded PDF: what it is, decided by parsing it (never by its name), and its text.

``read_pdf`` refuses, with a message an editor can act on, a file over ``DOCUMENT_MAX_BYTES``,
anything that is not a PDF, an encrypted one, one that is damaged or cut short, and one with more
than ``DOCUMENT_MAX_PAGES`` pages (the page count is read from the page tree's declared count
before the tree is walked). Text is extracted page by page in the upload's request, until
``DOCUMENT_EXTRACTION_SECONDS`` have passed: the pages left are stored without text and the
document says its text is incomplete, so a slow file costs a bounded time, never a timeout.
"""

import hashlib
import logging
import posixpath
import re
import time
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

logger = logging.getLogger(__name__)

# A few KB of text is a dense page; more is a file built to fill the index.
MAX_PAGE_CHARS = 20_000
# NUL and other control characters PostgreSQL text and XML cannot hold (tab and newline stay).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class DocumentInfo:
    """What is read from an accepted file. ``page_texts`` holds its text in parts: a PDF's
    pages, or for other types the parts ``part_names`` names ("the sheet “Budget”")."""

    pages: int
    size: int
    sha256: str
    title: str = ""
    author: str = ""
    page_texts: list = field(default_factory=list)
    text_complete: bool = True
    file_type: str = "pdf"
    part_names: list = field(default_factory=list)


def megabytes(size):
    megabyte = 1024 * 1024
    if size % megabyte == 0:
        return f"{size // megabyte} MB"
    return f"{size / megabyte:.1f} MB" if size >= megabyte else f"{size:,} bytes"


def shown_name(file):
    return posixpath.basename(str(getattr(file, "name", "") or "")) or "The file"


def _refuse(message, code, name, **params):
    return ValidationError(message, code=code, params={"name": name, **params})


def checksum(file):
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _clean(text, limit):
    return " ".join(CONTROL.sub(" ", text or "").split())[:limit]


def _declared_pages(reader):
    try:
        count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
        return int(count)
    except (KeyError, TypeError, ValueError, AttributeError):
        return 0


def check_size(file, name):
    """The file's size if known, after refusing one over ``DOCUMENT_MAX_BYTES`` before
    reading any of it."""
    size = getattr(file, "size", None)
    if size is not None and size > settings.DOCUMENT_MAX_BYTES:
        raise _refuse(
            "“%(name)s” is larger than %(limit)s.",
            "document_too_large",
            name,
            limit=megabytes(settings.DOCUMENT_MAX_BYTES),
        )
    return size


def read_pdf(file):
    """The ``DocumentInfo`` of an acceptable PDF, or a ``ValidationError`` saying why not."""
    name = shown_name(file)
    size = check_size(file, name)
    not_a_pdf = _refuse(
        "“%(name)s” is not a PDF file: upload a PDF (other formats are not accepted).",
        "not_a_pdf",
        name,
    )
    damaged = _refuse(
        "“%(name)s” is damaged or incomplete (it may have been cut short while copying): "
        "it cannot be read as a PDF.",
        "damaged_pdf",
        name,
    )
    try:
        file.seek(0)
        # The header may follow some junk, as readers allow, but must be near the start.
        if b"%PDF-" not in file.read(1024):
            raise not_a_pdf
        file.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                reader = PdfReader(file, strict=False)
                if reader.is_encrypted:
                    raise _refuse(
                        "“%(name)s” is encrypted or password-protected: upload an "
                        "unprotected copy.",
                        "encrypted_pdf",
                        name,
                    )
                limit = settings.DOCUMENT_MAX_PAGES
                declared = _declared_pages(reader)
                if declared > limit:
                    raise _too_many_pages(name, declared, limit)
                pages = len(reader.pages)
                if pages > limit:
                    raise _too_many_pages(name, pages, limit)
                if pages == 0:
                    raise damaged
                metadata = reader.metadata or {}
                title = _clean(str(metadata.get("/Title") or ""), 300)
                author = _clean(str(metadata.get("/Author") or ""), 300)
            except ValidationError:
                raise
            # pypdf raises many types for broken files (PdfReadError, its stream errors, and
            # KeyError, ValueError, TypeError, RecursionError from deeply nested objects...):
            # each means the file cannot be read, as images.py treats Pillow's.
            except Exception:
                logger.info("Refused %s: not readable as a PDF", name, exc_info=True)
                raise damaged from None
            texts, complete = _extract(reader, name)
        sha256 = checksum(file)
        size = size if size is not None else file.tell()
    finally:
        file.seek(0)
    return DocumentInfo(
        pages=pages,
        size=size,
        sha256=sha256,
        title=title,
        author=author,
        page_texts=texts,
        text_complete=complete,
    )


def _too_many_pages(name, pages, limit):
    return _refuse(
        "“%(name)s” has %(pages)s pages; the limit is %(limit)s.",
        "too_many_pages",
        name,
        pages=f"{pages:,}",
        limit=f"{limit:,}",
    )


def _extract(reader, name):
    """Each page's text, until the time is up; pages past that (or that fail) have none."""
    deadline = time.monotonic() + settings.DOCUMENT_EXTRACTION_SECONDS
    texts, complete = [], True
    for page in reader.pages:
        if time.monotonic() > deadline:
            complete = False
            texts.append("")
            continue
        try:
            texts.append(_clean(page.extract_text(), MAX_PAGE_CHARS))
        # A page whose text cannot be read does not make the document unusable: it is
        # stored, found by its other pages, and flagged.
        except (PdfReadError, Exception):
            logger.info("No text from a page of %s", name, exc_info=True)
            texts.append("")
            complete = False
    return texts, complete
