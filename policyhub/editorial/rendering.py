"""Reader markup from stored rich text, in one place for every page that shows it.

The stored HTML is the sanitiser's output (``richtext.py``); ``render_rich_text`` adds what only
the whole text can tell:

- h2/h3 get ids from their text (slugified, numbered when repeated, never one the page itself
  uses), so the same text keeps its address across saves; ``RichText.contents`` lists them for a
  table of contents when there are at least ``CONTENTS_MIN_HEADINGS``.
- each ``<span data-footnote>`` becomes a numbered reference (DPUB-ARIA ``doc-noteref``) and a
  note for the list at the end (``doc-endnotes``, with a ``doc-backlink``). A note is plain
  text: whatever markup an import slipped inside is dropped, and its web addresses are linked.
- each ``<figure data-image="id">`` becomes the library image's <figure> with its renditions,
  alt text, caption and credit; a reference to no image (deleted, or not a number) shows nothing.

Given an ``origin`` (the API's), links and images that name a path on this site get it, so the
markup means the same outside the site's pages.
"""

import re
from dataclasses import dataclass, field, replace
from html import escape
from html.parser import HTMLParser

from django.template.loader import render_to_string
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from .prose_extensions import FIGURE_ATTRIBUTE, FOOTNOTE_ATTRIBUTE

CONTENTS_MIN_HEADINGS = 3
CONTENTS_LEVELS = ("h2", "h3")
# Ids the reader templates use (a test keeps this list complete): a heading never takes one.
PAGE_IDS = frozenset(
    {
        "about",
        "about-authors",
        "cite-title",
        "cited-options",
        "compare-caption",
        "contents-title",
        "context",
        "directory-q",
        "documents-title",
        "featured-title",
        "filters",
        "goals",
        "home-search",
        "latest-title",
        "main",
        "matrix-caption",
        "notes-title",
        "options-heading",
        "publications-heading",
        "related",
        "related-options-heading",
        "related-title",
        "results-heading",
        "risks",
        "search-help",
        "search-q",
        "search-sort",
        "sequence",
        "sequence-heading",
        "share-title",
        "site-search",
        "sources",
        "status",
        "subject-publications",
        "tags",
        "topics-title",
        "who",
    }
)
NOTE_ID = "note-{}"
NOTE_REF_ID = "note-ref-{}"
NOTE_IDS = re.compile(r"note-(ref-)?\d+")
VOID_ELEMENTS = frozenset({"br", "hr", "img", "wbr", "col"})
PHRASING_ONLY = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class Heading:
    id: str
    text: str
    level: int


# The heading of includes/notes.html, listed last in the contents when there are notes.
NOTES_HEADING = Heading("notes-title", "Notes", 2)


@dataclass(frozen=True)
class Note:
    number: int
    html: SafeString

    @property
    def id(self):
        return NOTE_ID.format(self.number)

    @property
    def ref_id(self):
        return NOTE_REF_ID.format(self.number)


@dataclass(frozen=True)
class RichText:
    html: SafeString
    headings: tuple = ()
    notes: tuple = ()

    @property
    def contents(self):
        """The headings for a table of contents, then the notes (``includes/notes.html``), or ()
        when there are too few headings for one."""
        if len(self.headings) < CONTENTS_MIN_HEADINGS:
            return ()
        return self.headings + ((NOTES_HEADING,) if self.notes else ())

    def __str__(self):
        return self.html


@dataclass
class _HeadingSlot:
    tag: str
    text: list = field(default_factory=list)
    id: str = ""

    def __str__(self):
        return f'<{self.tag} id="{escape(self.id)}">'


@dataclass
class _FigureSlot:
    image_id: int | None
    html: str = ""

    def __str__(self):
        return self.html


def _image_id(value):
    """The library image a figure names, or None: a number the database can hold, nothing else."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def absolute(url, origin):
    """``url`` with ``origin`` in front when it is a path on this site ("/media/…")."""
    if origin and url.startswith("/") and not url.startswith("//"):
        return origin + url
    return url


# Where a candidate of a srcset starts with a path on this site.
SRCSET_PATH = re.compile(r"(^|,\s*)(?=/(?!/))")


def _absolute_srcset(srcset, origin):
    return SRCSET_PATH.sub(lambda match: match.group(1) + origin, srcset)


def _text(parts):
    return " ".join("".join(parts).split())


class _Rewriter(HTMLParser):
    def __init__(self, origin=""):
        super().__init__(convert_charrefs=True)
        self.origin = origin
        self.out = []
        self.headings = []
        self.notes = []
        self.heading = None
        self.note_text = None  # the text of the note being read, with its <span> depth
        self.note_depth = 0
        self.figure_depth = 0
        self.links = []  # the start tags of the links open here
        self.phrasing = 0  # open elements that may hold text only (headings, paragraphs)

    def handle_starttag(self, tag, attrs):
        if self.figure_depth:
            self.figure_depth += tag == "figure"
            return
        if self.note_text is not None:
            self.note_depth += tag == "span"
            return
        attributes = dict(attrs)
        if tag == "span" and FOOTNOTE_ATTRIBUTE in attributes:
            self.note_text, self.note_depth = [], 1
            return
        if tag == "figure" and FIGURE_ATTRIBUTE in attributes:
            # Inside a heading or paragraph (only an import can put it there) a figure would
            # be invalid HTML: it is left out.
            image_id = None if self.phrasing else _image_id(attributes[FIGURE_ATTRIBUTE])
            self.out.append(_FigureSlot(image_id))
            self.figure_depth = 1
            return
        if tag in CONTENTS_LEVELS and self.heading is None:
            self.heading = _HeadingSlot(tag)
            self.out.append(self.heading)
            self.phrasing += 1
            return
        if tag == "a" and self.origin:
            attrs = [(k, absolute(v, self.origin) if k == "href" and v else v) for k, v in attrs]
        start = f"<{tag}{''.join(self._attribute(k, v) for k, v in attrs)}>"
        if tag == "a":
            self.links.append(start)
        elif tag in PHRASING_ONLY:
            self.phrasing += 1
        self.out.append(start)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    @staticmethod
    def _attribute(name, value):
        return f" {name}" if value is None else f' {name}="{escape(value)}"'

    def handle_endtag(self, tag):
        if self.figure_depth:
            self.figure_depth -= tag == "figure"
            return
        if self.note_text is not None:
            self.note_depth -= tag == "span"
            if not self.note_depth:
                self._end_note()
            return
        if self.heading is not None and tag == self.heading.tag:
            self.headings.append(self.heading)
            self.heading = None
            self.phrasing -= 1
        elif tag == "a" and self.links:
            self.links.pop()
        elif tag in PHRASING_ONLY and self.phrasing:
            self.phrasing -= 1
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.figure_depth:
            return
        if self.note_text is not None:
            self.note_text.append(data)
            return
        if self.heading is not None:
            self.heading.text.append(data)
        self.out.append(escape(data, quote=False))

    def _end_note(self):
        text = _text(self.note_text)
        self.note_text = None
        if not text:
            return  # an empty note would be a number leading nowhere
        number = len(self.notes) + 1
        self.notes.append(Note(number, mark_safe(urlize(text, nofollow=True, autoescape=True))))
        # A note marked as part of a link (the editor lets a link cover it) is taken out of the
        # link: a link inside a link is invalid and would go to the wrong place.
        self.out.append("</a>" * len(self.links))
        self.out.append(
            f'<sup class="note-ref"><a href="#{NOTE_ID.format(number)}" '
            f'id="{NOTE_REF_ID.format(number)}" role="doc-noteref">'
            f'<span class="visually-hidden">Note </span>{number}</a></sup>'
        )
        self.out.extend(self.links)


def _heading_ids(slots):
    used = set(PAGE_IDS)
    for slot in slots:
        # Unicode kept: a heading in Korean gets its own words, not a generic "section".
        base = slugify(_text(slot.text), allow_unicode=True) or "section"
        candidate, number = base, 1
        while candidate in used or NOTE_IDS.fullmatch(candidate):
            number += 1
            candidate = f"{base}-{number}"
        used.add(candidate)
        slot.id = candidate


def _picture(image, origin):
    picture = image.picture
    if not origin or picture is None:
        return picture
    return replace(
        picture,
        src=absolute(picture.src, origin),
        srcset=_absolute_srcset(picture.srcset, origin),
        webp_srcset=_absolute_srcset(picture.webp_srcset, origin),
    )


def _figures(slots, origin):
    from .models import LibraryImage

    ids = {slot.image_id for slot in slots if slot.image_id is not None}
    images = LibraryImage.objects.in_bulk(ids) if ids else {}
    for slot in slots:
        image = images.get(slot.image_id)
        if image is not None and image.image:
            slot.html = render_to_string(
                "includes/body_figure.html", {"image": image, "picture": _picture(image, origin)}
            )


def render_rich_text(html, origin=""):
    """The reader markup of sanitised rich text, with its headings and notes (``RichText``).
    ``origin`` ("https://example.org"): paths on this site become absolute addresses."""
    if not html:
        return RichText(mark_safe(""))
    rewriter = _Rewriter(origin)
    rewriter.feed(html)
    rewriter.close()
    _heading_ids(rewriter.headings)
    _figures([part for part in rewriter.out if isinstance(part, _FigureSlot)], origin)
    return RichText(
        mark_safe("".join(str(part) for part in rewriter.out)),
        headings=tuple(
            Heading(slot.id, _text(slot.text), int(slot.tag[1])) for slot in rewriter.headings
        ),
        notes=tuple(rewriter.notes),
    )
