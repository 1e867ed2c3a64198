"""Documents beyond PDF: DOCX, XLSX and EPUB (zip files) and CSV (text), told apart by parsing.

``read_document`` decides the type from the bytes, never the name, except for CSV: text has no
signature, so only a file named ``.csv`` is read as one (UTF-8, with or without a BOM, the
"CSV UTF-8" Excel writes). A file whose content is of another accepted type than its name says
is accepted as what it is, and stored and served under its true extension.

Bounded like the PDF reader: a zip's entry count and central directory are checked from its
end record before ``zipfile`` reads them, its declared sizes before anything is unpacked, and
what is unpacked is counted as it is read; XML never expands entities or follows external
references (defusedxml for the small index parts, expat with defusedxml's guards for the large
ones, streamed without building a tree); text stops at
``DOCUMENT_EXTRACTION_SECONDS`` and at ``DOCUMENT_MAX_PAGES`` parts of ``MAX_PAGE_CHARS``.
"""

import csv
import io
import logging
import posixpath
import re
import struct
import time
import zipfile
from html.parser import HTMLParser
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring
from django.conf import settings

from .pdf import (
    MAX_PAGE_CHARS,
    DocumentInfo,
    _clean,
    _refuse,
    check_size,
    checksum,
    megabytes,
    read_pdf,
    shown_name,
)

logger = logging.getLogger(__name__)

PDF, DOCX, XLSX, CSV, EPUB = "pdf", "docx", "xlsx", "csv", "epub"
# (label readers see, Content-Type of the download)
FORMATS = {
    PDF: ("PDF", "application/pdf"),
    DOCX: ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    XLSX: ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    CSV: ("CSV", "text/csv"),
    EPUB: ("EPUB", "application/epub+zip"),
}
ACCEPTED = "a PDF, DOCX, XLSX, CSV or EPUB file"

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = (b"PK\x03\x04", b"PK\x05\x06")
MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
# Parts read whole (content types, relationships, workbook, styles, OPF): a few KB in real files.
SMALL_PART_BYTES = 10 * 1024 * 1024
# A central directory entry is 46 bytes and a name; more than this a file is not a document.
DIRECTORY_BYTES_PER_ENTRY = 1024
CHUNK = 64 * 1024
# What the csv module's sniffer guesses the delimiter from.
CSV_SAMPLE = 16 * 1024
# A heading style's name in styles.xml ("heading 1"), or its id when there is no styles.xml.
HEADING = re.compile(r"^(heading ?\d|title)$", re.IGNORECASE)


class TooLarge(Exception):
    """More was unpacked than the settings allow, or a part that is a few KB in real files
    (``part``) is over ``SMALL_PART_BYTES``."""

    def __init__(self, part=None):
        super().__init__(part)
        self.part = part


class TimeUp(Exception):
    """``DOCUMENT_EXTRACTION_SECONDS`` have passed."""


def read_document(file):
    """The ``DocumentInfo`` of an acceptable document, or a ``ValidationError`` saying why not."""
    name = shown_name(file)
    check_size(file, name)
    try:
        file.seek(0)
        head = file.read(1024)
    finally:
        file.seek(0)
    if b"%PDF-" in head:
        return read_pdf(file)
    if head.startswith(OLE):
        raise _ole_refusal(file, name)
    if head.startswith(ZIP):
        return _read_zip(file, name)
    if name.lower().endswith(".csv"):
        return _read_csv(file, name)
    raise _refuse(
        f"“%(name)s” is not a document this library accepts: upload {ACCEPTED}.",
        "unsupported_format",
        name,
    )


def _info(file, file_type, parts, complete, title="", author=""):
    try:
        sha256 = checksum(file)
        size = getattr(file, "size", None) or file.tell()
    finally:
        file.seek(0)
    return DocumentInfo(
        file_type=file_type,
        pages=0,
        size=size,
        sha256=sha256,
        title=_clean(title, 300),
        author=_clean(author, 300),
        page_texts=[text for _, text in parts],
        part_names=[label for label, _ in parts],
        text_complete=complete,
    )


def _encrypted(name):
    return _refuse(
        "“%(name)s” is encrypted or password-protected: upload an unprotected copy.",
        "encrypted_document",
        name,
    )


def _damaged(name, kind="a document"):
    return _refuse(
        "“%(name)s” is damaged or incomplete (it may have been cut short while copying): "
        "it cannot be read as %(kind)s.",
        "damaged_document",
        name,
        kind=kind,
    )


def _bomb(name, part=None):
    if part:
        return _refuse(
            "“%(name)s” holds a part (%(part)s) over %(limit)s where real files have a few KB: "
            "it is refused as a zip bomb.",
            "document_bomb",
            name,
            part=part,
            limit=megabytes(SMALL_PART_BYTES),
        )
    return _refuse(
        "“%(name)s” unpacks to more than %(limit)s: it is refused as a zip bomb.",
        "document_bomb",
        name,
        limit=megabytes(settings.DOCUMENT_MAX_UNPACKED_BYTES),
    )


def _too_many_entries(name):
    return _refuse(
        "“%(name)s” holds more than %(limit)s files: it is refused as a zip bomb.",
        "document_bomb",
        name,
        limit=f"{settings.DOCUMENT_MAX_ZIP_ENTRIES:,}",
    )


KINDS = {DOCX: "a DOCX file", XLSX: "an XLSX file", EPUB: "an EPUB file"}


def _kind_from_name(name):
    return KINDS.get(posixpath.splitext(name)[1].lower().lstrip("."), "a document")


def _ole_refusal(file, name):
    """An OLE compound file: what Office makes of an encrypted DOCX or XLSX (an
    ``EncryptedPackage`` stream), or an old .doc or .xls."""
    try:
        file.seek(0)
        header = file.read(512)
        shift, directory = struct.unpack_from("<H", header, 0x1E)[0], header[0x30:0x34]
        sector = 1 << min(shift, 16)
        file.seek((struct.unpack("<I", directory)[0] + 1) * sector)
        entries = file.read(sector)
    except (struct.error, OSError, ValueError, OverflowError):
        entries = b""
    finally:
        file.seek(0)
    if "EncryptedPackage".encode("utf-16-le") in entries:
        return _encrypted(name)
    return _refuse(
        "“%(name)s” is an old Word or Excel file (.doc, .xls) or a protected one: save it as "
        f".docx or .xlsx without a password, or upload {ACCEPTED}.",
        "old_office_format",
        name,
    )


# Zip files


def _directory_size(file):
    """(entries, central directory bytes) from the zip's end record, or None if not found."""
    file.seek(0, io.SEEK_END)
    end = file.tell()
    start = max(0, end - 22 - 65535)
    file.seek(start)
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    if entries != 0xFFFF and directory != 0xFFFFFFFF:
        return entries, directory
    # Zip64: the real counts are in a record the locator just before points at.
    if at < 20 or tail[at - 20 : at - 16] != b"PK\x06\x07":
        return None
    file.seek(struct.unpack_from("<Q", tail, at - 12)[0])
    record = file.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        return None
    return struct.unpack_from("<QQ", record, 32)


class Archive:
    """A zip read within the limits: each read counted against ``DOCUMENT_MAX_UNPACKED_BYTES``
    and the clock."""

    def __init__(self, file, name):
        self.name = name
        self.left = settings.DOCUMENT_MAX_UNPACKED_BYTES
        self.deadline = time.monotonic() + settings.DOCUMENT_EXTRACTION_SECONDS
        counts = _directory_size(file)
        if counts is None:
            raise _damaged(name, _kind_from_name(name))
        limit = settings.DOCUMENT_MAX_ZIP_ENTRIES
        if counts[0] > limit or counts[1] > limit * DIRECTORY_BYTES_PER_ENTRY:
            raise _too_many_entries(name)
        file.seek(0)
        self.zip = zipfile.ZipFile(file)
        self.infos = {info.filename: info for info in self.zip.infolist()}
        if len(self.infos) > limit:
            raise _too_many_entries(name)
        if sum(info.file_size for info in self.infos.values()) > self.left:
            raise _bomb(name)
        if any(info.flag_bits & 1 for info in self.infos.values()):
            raise _encrypted(name)

    def has(self, path):
        return path in self.infos

    def open(self, path):
        """A file-like reader of ``path`` that stops at the limits."""
        return _Counted(self, self.zip.open(self.infos[path]))

    def read(self, path):
        if self.infos[path].file_size > SMALL_PART_BYTES:
            raise TooLarge(path)
        with self.open(path) as stream:
            return stream.read()

    def xml(self, path):
        return fromstring(self.read(path))

    def check_time(self):
        if time.monotonic() > self.deadline:
            raise TimeUp


class _Counted(io.RawIOBase):
    def __init__(self, archive, stream):
        self.archive, self.stream = archive, stream

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.stream.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.archive.left -= len(data)
        if self.archive.left < 0:
            raise TooLarge
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.stream.close()
        super().close()


def _read_zip(file, name):
    # What a damaged file is called: from its name until its content says.
    kind = _kind_from_name(name)
    try:
        try:
            archive = Archive(file, name)
            if archive.has("mimetype") and next(iter(archive.infos)) == "mimetype":
                file_type, reader, main = EPUB, _epub, None
            elif archive.has("[Content_Types].xml"):
                file_type, main = _ooxml_type(archive, name)
                reader = _docx if file_type == DOCX else _xlsx
            else:
                raise _refuse(
                    "“%(name)s” is a zip archive, not a DOCX, XLSX or EPUB file: "
                    f"upload {ACCEPTED}.",
                    "unsupported_format",
                    name,
                )
            kind = KINDS[file_type]
            try:
                parts, complete, title, author = reader(archive, main)
            except (KeyError, StopIteration):
                # A part the file's own index names is missing.
                raise _damaged(name, kind) from None
        except DefusedXmlException:
            raise _refuse(
                "“%(name)s” holds XML entity or external declarations, which office files "
                "never need: it is refused as unsafe.",
                "unsafe_xml",
                name,
            ) from None
        except TooLarge as error:
            raise _bomb(name, error.part) from None
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            ParseError,
            expat.ExpatError,
            EOFError,
            NotImplementedError,
        ):
            raise _damaged(name, kind) from None
        except (OSError, ValueError, struct.error, RecursionError):
            logger.info("Refused %s: not readable as a zip", name, exc_info=True)
            raise _damaged(name, kind) from None
    finally:
        file.seek(0)
    return _info(file, file_type, parts, complete, title, author)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _attribute(element, local):
    for key, value in element.attrib.items():
        if _local(key) == local:
            return value
    return None


def _ooxml_type(archive, name):
    for override in archive.xml("[Content_Types].xml"):
        file_type = MAIN_PARTS.get(override.get("ContentType", ""))
        if file_type and _local(override.tag) == "Override":
            main = override.get("PartName", "").lstrip("/")
            if not archive.has(main):
                raise _damaged(name, KINDS[file_type])
            return file_type, main
    raise _refuse(
        "“%(name)s” is an office file of another kind (a template, a macro-enabled file or "
        f"a presentation): upload {ACCEPTED}.",
        "unsupported_format",
        name,
    )


def _core_properties(archive):
    """(title, author) from ``docProps/core.xml``, if present."""
    if not archive.has("docProps/core.xml"):
        return "", ""
    found = {_local(e.tag): (e.text or "") for e in archive.xml("docProps/core.xml")}
    return found.get("title", ""), found.get("creator", "")


def _relationships(archive, part):
    """{id: target path} of ``part``'s relationships."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if not archive.has(rels):
        return {}
    targets = {}
    for rel in archive.xml(rels):
        target = unquote(rel.get("Target", ""))
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    return targets


class Parts:
    """Text in parts of at most ``MAX_PAGE_CHARS``, each named, at most ``DOCUMENT_MAX_PAGES``;
    ``add`` says False once full."""

    def __init__(self):
        self.done, self.label, self.buffer, self.length = [], "", [], 0
        self.limit = settings.DOCUMENT_MAX_PAGES

    def start(self, label):
        self.flush()
        self.label = label

    def add(self, text):
        text = " ".join(text.split())
        if not text:
            return len(self.done) < self.limit
        self.buffer.append(text)
        self.length += len(text) + 1
        while self.length > MAX_PAGE_CHARS and len(self.done) < self.limit:
            joined = " ".join(self.buffer)
            self.done.append((self.label, _clean(joined[:MAX_PAGE_CHARS], MAX_PAGE_CHARS)))
            rest = joined[MAX_PAGE_CHARS:]
            self.buffer, self.length = ([rest], len(rest)) if rest else ([], 0)
        return len(self.done) < self.limit

    def flush(self):
        if self.buffer and len(self.done) < self.limit:
            self.done.append((self.label, _clean(" ".join(self.buffer), MAX_PAGE_CHARS)))
        self.buffer, self.length = [], 0

    @property
    def full(self):
        return len(self.done) >= self.limit

    def result(self):
        self.flush()
        return self.done


class _Full(Exception):
    """The text has reached ``DOCUMENT_MAX_PAGES`` parts: reading stops."""


def _entity_declared(name, is_parameter, value, base, sysid, pubid, notation):
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _external_reference(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def _stream(archive, path, start, end, text):
    """Parse ``path`` as it is read, with expat's callbacks ``start(local name, attributes)``,
    ``end(local name)`` and ``text(data)``: no tree is built, so memory is that of what the
    callbacks keep. Expat itself, not defusedxml's pure-Python ElementTree parser, for speed
    (a third of the time on a large sheet), with the guards defusedxml installs on it: an
    entity declaration or external reference raises its errors. False if the text is full."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.EntityDeclHandler = _entity_declared
    parser.UnparsedEntityDeclHandler = _entity_declared
    parser.ExternalEntityRefHandler = _external_reference
    parser.StartElementHandler = lambda name, attributes: start(_local(name), attributes)
    parser.EndElementHandler = lambda name: end(_local(name))
    parser.CharacterDataHandler = text
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                archive.check_time()
            parser.Parse(b"", True)
    except _Full:
        return False
    return True


def _value(attributes, local):
    """An attribute by its local name (``w:val`` is ``{namespace}val`` to expat)."""
    for key, value in attributes.items():
        if _local(key) == local:
            return value
    return None


def _docx(archive, main):
    """Text by heading: the part before the first is "the opening", each heading starts "the
    section “Heading”"; a document without headings is one part, "the text"."""
    headings = set()
    styles = _relationships(archive, main)
    style_parts = [p for p in styles.values() if p.endswith("styles.xml") and archive.has(p)]
    for style in archive.xml(style_parts[0]) if style_parts else ():
        names = [c for c in style if _local(c.tag) == "name"]
        if names and HEADING.match(_attribute(names[0], "val") or ""):
            headings.add(_attribute(style, "styleId"))
    parts = Parts()
    paragraph = {"text": [], "length": 0, "style": None, "in_text": False}
    seen_heading = False

    def start(name, attributes):
        if name == "t":
            paragraph["in_text"] = True
        elif name in ("tab", "br", "cr"):
            paragraph["text"].append(" ")
        elif name == "pStyle":
            paragraph["style"] = _value(attributes, "val")

    def text(data):
        if paragraph["in_text"]:
            paragraph["text"].append(data)
            paragraph["length"] += len(data)
            if paragraph["length"] > MAX_PAGE_CHARS:
                # One endless paragraph is read a part at a time, never held whole.
                add("".join(paragraph["text"]))
                paragraph["text"], paragraph["length"] = [], 0

    def add(words):
        if not parts.add(words):
            raise _Full

    def end(name):
        nonlocal seen_heading
        if name == "t":
            paragraph["in_text"] = False
        elif name == "p":
            words, style = "".join(paragraph["text"]), paragraph["style"]
            paragraph.update(text=[], length=0, style=None)
            if (style in headings or HEADING.match(style or "")) and words.strip():
                seen_heading = True
                parts.start(f"the section “{_clean(words, 80)}”")
            add(words)

    parts.start("the text")
    complete = _run(archive, lambda: _stream(archive, main, start, end, text))
    done = parts.result()
    if seen_heading:
        done = [("the opening" if label == "the text" else label, t) for label, t in done]
    return done, complete and not parts.full, *_core_properties(archive)


def _run(archive, parse):
    """Run a parse; False (text incomplete) if the clock or the part count stopped it."""
    try:
        return parse() is not False
    except TimeUp:
        return False


def _xlsx(archive, workbook):
    """Text by sheet: "the sheet “Budget”", each row's cells in order."""
    targets = _relationships(archive, workbook)
    shared = next(
        (p for p in targets.values() if p.endswith("sharedStrings.xml") and archive.has(p)), None
    )
    strings, parts = [], Parts()
    # Strings past what the parts can hold are kept as "" (their place still counts).
    budget = settings.DOCUMENT_MAX_PAGES * MAX_PAGE_CHARS
    state = {"buffer": [], "length": 0, "keep": False, "phonetic": 0, "kind": None, "row": []}

    def keep_text(data):
        if state["keep"] and not state["phonetic"] and state["length"] < MAX_PAGE_CHARS:
            state["buffer"].append(data)
            state["length"] += len(data)

    def taken():
        value = "".join(state["buffer"])[:MAX_PAGE_CHARS]
        state.update(buffer=[], length=0)
        return value

    def string_start(name, attributes):
        if name == "t":
            state["keep"] = True
        elif name == "rPh":  # a reading aid for East Asian text, not the text itself
            state["phonetic"] += 1

    def string_end(name):
        nonlocal budget
        if name == "t":
            state["keep"] = False
        elif name == "rPh":
            state["phonetic"] -= 1
        elif name == "si":
            value = taken() if budget > 0 else ""
            state.update(buffer=[], length=0)
            budget -= len(value)
            strings.append(value)

    def cell_start(name, attributes):
        if name == "c":
            state["kind"] = attributes.get("t")
            state.update(buffer=[], length=0)
        elif name in ("v", "t"):
            state["keep"] = True

    def cell_end(name):
        if name in ("v", "t"):
            state["keep"] = False
        elif name == "c":
            value = taken()
            if state["kind"] == "s":
                try:
                    value = strings[int(value)]
                except (ValueError, IndexError):
                    value = ""
            elif state["kind"] == "b":
                value = "TRUE" if value == "1" else "FALSE"
            state["row"].append(value)
        elif name == "row":
            row, state["row"] = " ".join(state["row"]), []
            if not parts.add(row):
                raise _Full

    def parse():
        if shared and _stream(archive, shared, string_start, string_end, keep_text) is False:
            return False
        for sheet in archive.xml(workbook).iter():
            if _local(sheet.tag) != "sheet":
                continue
            path = targets.get(_attribute(sheet, "id"))
            if path is None or not archive.has(path):
                continue
            parts.start(f"the sheet “{_clean(sheet.get('name', ''), 80)}”")
            if _stream(archive, path, cell_start, cell_end, keep_text) is False:
                return False
        return True

    complete = _run(archive, parse)
    title, author = _core_properties(archive)
    return parts.result(), complete and not parts.full, title, author


class _Text(HTMLParser):
    """The text of an XHTML chapter, without its head, scripts and styles. HTMLParser knows
    only HTML's fixed entities, so a chapter cannot define any that expand."""

    SKIP = {"head", "script", "style", "title"}

    def __init__(self, parts):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = parts, 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.add(data)


def _epub(archive, main=None):
    """Text by chapter, in reading (spine) order: "chapter 3"."""
    if archive.read("mimetype").strip() != b"application/epub+zip":
        raise KeyError("mimetype")
    container = archive.xml("META-INF/container.xml")
    rootfile = next(e for e in container.iter() if _local(e.tag) == "rootfile")
    package = unquote(rootfile.get("full-path", ""))
    opf = archive.xml(package)
    folder = posixpath.dirname(package)
    metadata = {}
    manifest, spine = {}, []
    for element in opf.iter():
        tag = _local(element.tag)
        if tag in ("title", "creator") and tag not in metadata:
            metadata[tag] = element.text or ""
        elif tag == "item":
            path = posixpath.normpath(posixpath.join(folder, unquote(element.get("href", ""))))
            manifest[element.get("id")] = (path, element.get("media-type", ""))
        elif tag == "itemref":
            spine.append(element.get("idref"))
    parts = Parts()

    def parse():
        chapter = 0
        for idref in spine:
            path, media = manifest.get(idref, ("", ""))
            if "html" not in media or not archive.has(path):
                continue
            chapter += 1
            parts.start(f"chapter {chapter}")
            parser = _Text(parts)
            with archive.open(path) as stream:
                text = io.TextIOWrapper(
                    io.BufferedReader(stream), encoding="utf-8", errors="replace"
                )
                while chunk := text.read(CHUNK):
                    parser.feed(chunk)
                    archive.check_time()
                    if parts.full:
                        return False
            parser.close()
        return True

    complete = _run(archive, parse)
    return (
        parts.result(),
        complete and not parts.full,
        metadata.get("title", ""),
        metadata.get("creator", ""),
    )


# CSV


def _read_csv(file, name):
    """UTF-8 text (a BOM is allowed) that the csv module parses strictly; text in parts of
    whole rows, "rows 2–480". Other encodings are refused, since any bytes decode as Latin-1
    or Windows-1252 and a wrong guess would index garbage."""
    raw = getattr(file, "file", file)
    raw.seek(0)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    try:
        rows, parts, complete = _csv_parts(text, _dialect(text.read(CSV_SAMPLE)))
    except UnicodeDecodeError:
        raise _refuse(
            "“%(name)s” is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8” "
            "and upload that.",
            "csv_encoding",
            name,
        ) from None
    except csv.Error as error:
        raise _refuse(
            "“%(name)s” cannot be read as CSV (%(error)s).",
            "damaged_csv",
            name,
            error=str(error),
        ) from None
    finally:
        text.detach()
        file.seek(0)
    if rows == 0:
        raise _refuse("“%(name)s” is empty.", "empty_document", name)
    return _info(file, CSV, parts, complete)


def _dialect(sample):
    """Excel's CSV with the delimiter the sniffer finds in ``sample``. Only the delimiter: its
    guesses about quoting come from a sample where doubled quotes may not yet appear, and a
    wrong one silently misreads the rest."""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return csv.excel
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter})


def _csv_parts(text, dialect):
    """(rows read, named parts, complete) of ``text`` read from its start as ``dialect``."""
    deadline = time.monotonic() + settings.DOCUMENT_EXTRACTION_SECONDS
    parts, complete, rows, first, pending, length = Parts(), True, 0, 1, [], 0

    def flush(last):
        parts.start(f"rows {first}–{last}" if last > first else f"row {first}")
        parts.add(" ".join(pending))

    text.seek(0)
    for row in csv.reader(text, dialect, strict=True):
        rows += 1
        line = " ".join(row)
        if "\x00" in line:
            # Text never holds NUL: this is a binary file that happens to decode.
            raise UnicodeDecodeError("utf-8", b"\x00", 0, 1, "NUL in text")
        if pending and length + len(line) > MAX_PAGE_CHARS:
            flush(rows - 1)
            first, pending, length = rows, [], 0
        pending.append(line)
        length += len(line) + 1
        if parts.full or (rows % 1000 == 0 and time.monotonic() > deadline):
            complete = False
            break
    if pending:
        flush(rows)
    return rows, parts.result(), complete and not parts.full
