"""One line of a JSON Lines content file → a typed record, or a line-numbered reason it is bad.

Nothing here touches the database: the whole file can be checked before anything is written
(``--strict``), and the importer only ever sees records that are well-formed. The format is
documented in docs/interchange.md; the field tables below are its executable form.

A key left out of a line is ``ABSENT`` in its record and leaves the stored value alone; only an
explicit empty value ("", [] or null) clears it.
"""

import json
import posixpath
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from options.models import OptionSource, PolicyOption
from policyhub.documents.models import Document, PublicationDocument
from policyhub.editorial.embeds import parse_embed
from policyhub.editorial.models import Publishable
from publications.models import Person

# Editorial status in the file → stored status. Read from the model, so statuses added there
# (review, unpublished) are accepted here as they land; add an entry to map another name.
STATUSES = {value: value for value in Publishable.Status.values}
LEVELS = set(PolicyOption.Level.values)
TIMEFRAMES = set(PolicyOption.Timeframe.values)
REAL_WORLD_STATUSES = set(PolicyOption.RealWorldStatus.values)
STANCES = set(OptionSource.Stance.values)
INSTITUTE_ROLES = set(Person.Kind.values)
DOCUMENT_LABELS = set(PublicationDocument.Label.values)
LANGUAGES = set(Document.Language.values)
SHA256 = re.compile(r"[0-9a-f]{64}")

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
RESERVED_SLUGS = {"feed"}


class _Absent:
    """A key the line leaves out: the stored value stays as it is."""

    def __bool__(self):
        return False

    def __repr__(self):
        return "ABSENT"


ABSENT = _Absent()


def present(value):
    return value is not ABSENT


class BadLine(ValueError):
    pass


@dataclass
class Author:
    name: str
    bio: str | None  # None: leave an existing person's bio alone


@dataclass
class Source:
    publication: str
    stance: str
    note: str
    quote: str = ""


@dataclass
class Image:
    """An image and its texts; each part ABSENT (left alone), empty (cleared) or a value.
    ``file`` is a path relative to the JSON Lines file."""

    file: object = ABSENT
    alt: object = ABSENT
    caption: object = ABSENT
    credit: object = ABSENT


@dataclass
class DocumentItem:
    """A document a publication lists: ``file`` relative to the JSON Lines file, ``sha256``
    (if given) what its bytes must hash to; the texts are ABSENT (left alone) or a value."""

    file: str
    sha256: str
    label: str
    title: object = ABSENT
    description: object = ABSENT
    language: object = ABSENT


@dataclass
class PublicationRecord:
    line: int
    slug: str
    title: str
    type: str
    summary: str
    status: str
    published: datetime | None
    has_published: bool
    body: object = ABSENT
    authors: object = ABSENT  # list[Author]
    topics: object = ABSENT
    regions: object = ABSENT
    tags: object = ABSENT
    source: object = ABSENT
    source_url: object = ABSENT
    media: object = ABSENT  # the "video and audio" field's text, one embed a line
    image: object = ABSENT  # Image
    documents: object = ABSENT  # list[DocumentItem]
    related: object = ABSENT
    unknown: list = field(default_factory=list)
    kind = "publication"

    @property
    def key(self):
        return self.slug


@dataclass
class OptionRecord:
    line: int
    slug: str
    title: str
    question: str
    track: str
    level: str
    timeframe: str
    summary: str
    status: str
    published: datetime | None
    has_published: bool
    description: object = ABSENT
    goals: object = ABSENT
    risks: object = ABSENT
    conditions: object = ABSENT
    real_world_status: object = ABSENT
    status_note: object = ABSENT
    status_date: object = ABSENT  # date or None
    actors: object = ABSENT
    prerequisites: object = ABSENT
    tags: object = ABSENT
    sources: object = ABSENT  # list[Source]
    unknown: list = field(default_factory=list)
    kind = "option"

    @property
    def key(self):
        return self.slug


@dataclass
class QuestionRecord:
    line: int
    slug: str
    title: str
    status: str
    published: datetime | None
    has_published: bool
    summary: object = ABSENT
    context: object = ABSENT
    regions: object = ABSENT
    tags: object = ABSENT
    unknown: list = field(default_factory=list)
    kind = "question"

    @property
    def key(self):
        return self.slug


@dataclass
class ProfileLinkItem:
    url: str
    label: str


@dataclass
class PersonRecord:
    line: int
    name: str
    role: object = ABSENT
    affiliation: object = ABSENT
    bio: object = ABSENT
    link: object = ABSENT
    photo: object = ABSENT  # Image (file and alt only)
    institute_role: object = ABSENT  # Person.Kind: staff, fellow or external
    expertise: object = ABSENT  # [area name, ...]
    languages: object = ABSENT
    email: object = ABSENT
    show_email: object = ABSENT
    links: object = ABSENT  # [ProfileLinkItem, ...]
    unknown: list = field(default_factory=list)
    kind = "person"

    @property
    def key(self):
        return self.name


@dataclass
class TermRecord:
    """A topic, region, publication type, track or actor: a name and a description (a region
    also its parent, a track its position)."""

    line: int
    kind: str
    name: str
    description: object = ABSENT
    parent: object = ABSENT  # region name or None
    order: object = ABSENT
    unknown: list = field(default_factory=list)

    @property
    def key(self):
        return self.name


@dataclass
class SynonymRecord:
    line: int
    terms: str
    note: object = ABSENT
    unknown: list = field(default_factory=list)
    kind = "synonym"

    @property
    def key(self):
        return self.terms


@dataclass
class LibraryImageRecord:
    """An image of the library that texts place as figures, named by its key across sites."""

    line: int
    key: str
    title: str
    file: str
    alt: str
    sha256: str = ""
    caption: object = ABSENT
    credit: object = ABSENT
    unknown: list = field(default_factory=list)
    kind = "image"


@dataclass
class ParseError:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


@dataclass
class ParseWarning(ParseError):
    def __str__(self):
        return f"line {self.line}: warning: {self.reason}"


# Maximum lengths of the columns the values land in, so a long value is a bad line, not a
# database error that would roll back a whole batch.
MAX = {
    "slug": 300,
    "title": 300,
    "name": 100,
    "source": 500,
    "person": 200,
    "actor": 200,
    "term": 120,
    "role": 300,
    "url": 200,
    "alt": 300,
    "caption": 500,
    "credit": 300,
    "status_note": 500,
    "terms": 500,
    "note": 300,
    "languages": 200,
    "email": 254,
    "link_label": 60,
    "image_title": 200,
}


def _text(data, key, *, required=True, max_length=None, blank=False):
    """A required string, or for an optional key ABSENT (left out) or "" (null or "")."""
    if key not in data or data[key] is None:
        if required:
            raise BadLine(f'missing required field "{key}"')
        return ABSENT if key not in data else ""
    value = data[key]
    if not isinstance(value, str):
        raise BadLine(f'"{key}" must be a string, not {type(value).__name__}')
    if required and not blank and not value.strip():
        raise BadLine(f'"{key}" must not be empty')
    if max_length and len(value) > max_length:
        raise BadLine(f'"{key}" is longer than {max_length} characters')
    return value


def _names(data, key, *, max_length=120, fold_case=False):
    """A list of non-empty names, duplicates dropped (case-insensitively for tags); ABSENT if
    the key is left out, [] for null."""
    if key not in data:
        return ABSENT
    value = data[key]
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadLine(f'"{key}" must be a list')
    names, seen = [], set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise BadLine(f'"{key}" must hold non-empty strings')
        item = item.strip()
        if len(item) > max_length:
            raise BadLine(f'"{key}": "{item[:40]}…" is longer than {max_length} characters')
        folded = item.casefold() if fold_case else item
        if folded not in seen:
            seen.add(folded)
            names.append(item)
    return names


def _slug(value, what):
    if not SLUG.match(value):
        raise BadLine(f'{what} "{value}" is not a slug (letters, digits, "-" and "_" only)')
    return value


def _choice(data, key, allowed, *, required=True):
    value = _text(data, key, required=required)
    if not value and not required:
        return value
    if value not in allowed:
        raise BadLine(f'unknown {key} "{value}" (expected one of: {", ".join(sorted(allowed))})')
    return value


def _bool(data, key):
    if key not in data:
        return ABSENT
    value = data[key]
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadLine(f'"{key}" must be true or false')
    return value


def _order(data, key):
    if key not in data:
        return ABSENT
    value = data[key]
    if value is None:
        return 0
    if type(value) is not int or not 0 <= value <= 32767:
        raise BadLine(f'"{key}" must be a whole number from 0 to 32767')
    return value


def _url(data, key):
    value = _text(data, key, required=False, max_length=MAX["url"])
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise BadLine(f'"{key}" is not an http(s) URL') from None
    return value


def _media(data):
    """The embeds' lines joined as the admin field holds them, each checked against the
    providers allowed in the admin; ABSENT if left out, "" for null."""
    if "media" not in data:
        return ABSENT
    value = data["media"]
    if value is None:
        return ""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadLine('"media" must be a list of addresses')
    lines = []
    for item in value:
        if not item.strip() or "\n" in item or "\r" in item:
            raise BadLine('"media" must hold one address (and optional title) per item')
        try:
            parse_embed(item)
        except ValidationError as error:
            raise BadLine(f'"media": {error.messages[0]}') from None
        lines.append(item.strip())
    return "\n".join(lines)


def _day(data, key):
    if key not in data:
        return ABSENT
    value = data[key]
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadLine(f'"{key}" must be an ISO date string, or null')
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadLine(f'bad date "{value}" in "{key}" (expected YYYY-MM-DD)')
    return parsed


def _published(data):
    """ISO date (midnight, site time zone) or date-time (naive = site time zone), or null."""
    value = data.get("published")
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadLine('"published" must be an ISO date or date-time string, or null')
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            parsed = datetime.combine(day, time()) if day else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadLine(f'bad date "{value}" in "published" (expected ISO 8601)')
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _status(data):
    value = _text(data, "status")
    if value not in STATUSES:
        raise BadLine(f'unknown status "{value}" (expected one of: {", ".join(STATUSES)})')
    return STATUSES[value]


def _slug_list(data, key, own_slug):
    slugs = _names(data, key, max_length=MAX["slug"])
    for slug in slugs or ():
        _slug(slug, f'"{key}" entry')
    if slugs and own_slug in slugs:
        raise BadLine(f'"{key}" lists the item itself')
    return slugs


def _object(data, key, keys):
    """A nested object, ABSENT, or None for null; its unknown keys are bad."""
    if key not in data:
        return ABSENT
    value = data[key]
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadLine(f'"{key}" must be an object')
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise BadLine(f'"{key}" has unknown key(s): {", ".join(unknown)}')
    return value


def _file(data, what="image"):
    """A path inside the JSON Lines file's folder (no absolute path, no "..")."""
    value = _text(data, "file", required=False, max_length=500)
    if value:
        normal = posixpath.normpath(value)
        if value.startswith("/") or "\\" in value or normal.startswith(".."):
            raise BadLine(f'{what} file "{value}" must be a path inside the file\'s folder')
    return value


def _image(data, key, *, texts=("alt", "caption", "credit")):
    value = _object(data, key, ("file", *texts))
    if not present(value):
        return ABSENT
    if value is None:  # null clears the image and its texts
        return Image(file="", **{name: "" for name in texts})
    image = Image(file=_file(value))
    for name in texts:
        setattr(image, name, _text(value, name, required=False, max_length=MAX[name]))
    return image


def _authors(data):
    if "authors" not in data:
        return ABSENT
    value = data["authors"]
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadLine('"authors" must be a list')
    authors, seen = [], set()
    for item in value:
        if not isinstance(item, dict):
            raise BadLine('"authors" must hold objects like {"name": ..., "bio": ...}')
        name = _text(item, "name", max_length=MAX["person"]).strip()
        bio = _text(item, "bio", required=False) if item.get("bio") is not None else None
        if name not in seen:
            seen.add(name)
            authors.append(Author(name=name, bio=bio))
    return authors


def _sources(data):
    if "sources" not in data:
        return ABSENT
    value = data["sources"]
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadLine('"sources" must be a list')
    sources, seen = [], set()
    for item in value:
        if not isinstance(item, dict):
            raise BadLine('"sources" must hold objects like {"publication": ..., "stance": ...}')
        slug = _slug(_text(item, "publication", max_length=MAX["slug"]), "source publication")
        stance = _choice(item, "stance", STANCES)
        if slug not in seen:
            seen.add(slug)
            note = _text(item, "note", required=False) or ""
            quote = _text(item, "quote", required=False) or ""
            sources.append(Source(slug, stance, note, quote))
    return sources


def _documents(data):
    if "documents" not in data:
        return ABSENT
    value = data["documents"]
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadLine('"documents" must be a list')
    documents, seen = [], set()
    keys = {"file", "sha256", "label", "title", "description", "language"}
    for item in value:
        if not isinstance(item, dict):
            raise BadLine('"documents" must hold objects like {"file": ..., "label": ...}')
        if unknown := sorted(set(item) - keys):
            raise BadLine(f'"documents" has unknown key(s): {", ".join(unknown)}')
        path = _file(item, "document")
        if not path:
            raise BadLine('each of "documents" needs a "file"')
        sha256 = (_text(item, "sha256", required=False, max_length=64) or "").lower()
        if sha256 and not SHA256.fullmatch(sha256):
            raise BadLine(f'document "{path}": "sha256" must be 64 hexadecimal digits')
        document = DocumentItem(
            file=path,
            sha256=sha256,
            label=_choice(item, "label", DOCUMENT_LABELS, required=False)
            or PublicationDocument.Label.FULL_REPORT,
        )
        if "title" in item:
            document.title = _text(item, "title", required=False, max_length=300) or ""
        if "description" in item:
            document.description = _text(item, "description", required=False) or ""
        if item.get("language"):
            document.language = _choice(item, "language", LANGUAGES)
        # The same file twice on one publication is listed once, at its first place.
        if path not in seen:
            seen.add(path)
            documents.append(document)
    return documents


def _key_slug(data):
    return _slug(_text(data, "slug", max_length=MAX["slug"]), "slug")


def _publication(line, data):
    slug = _key_slug(data)
    if slug in RESERVED_SLUGS:
        raise BadLine(f'slug "{slug}" is reserved')
    return PublicationRecord(
        line=line,
        slug=slug,
        title=_text(data, "title", max_length=MAX["title"]),
        type=_text(data, "type", max_length=MAX["term"]).strip(),
        summary=_text(data, "summary"),
        body=_text(data, "body", required=False),
        status=_status(data),
        published=_published(data),
        has_published="published" in data,
        authors=_authors(data),
        topics=_names(data, "topics"),
        regions=_names(data, "regions"),
        tags=_names(data, "tags", max_length=MAX["name"], fold_case=True),
        source=_text(data, "source", required=False, max_length=MAX["source"]),
        source_url=_url(data, "source_url"),
        media=_media(data),
        image=_image(data, "image"),
        documents=_documents(data),
        related=_slug_list(data, "related", slug),
    )


def _option(line, data):
    slug = _key_slug(data)
    real_world_status = ABSENT
    if data.get("real_world_status") is not None:  # null: leave it (it cannot be empty)
        real_world_status = _choice(data, "real_world_status", REAL_WORLD_STATUSES)
    return OptionRecord(
        line=line,
        slug=slug,
        title=_text(data, "title", max_length=MAX["title"]),
        question=_text(data, "question", max_length=MAX["title"]).strip(),
        track=_text(data, "track", max_length=MAX["term"]).strip(),
        level=_choice(data, "level", LEVELS),
        timeframe=_choice(data, "timeframe", TIMEFRAMES),
        summary=_text(data, "summary"),
        description=_text(data, "description", required=False),
        goals=_text(data, "goals", required=False),
        risks=_text(data, "risks", required=False),
        conditions=_text(data, "conditions", required=False),
        status=_status(data),
        published=_published(data),
        has_published="published" in data,
        real_world_status=real_world_status,
        status_note=_text(data, "status_note", required=False, max_length=MAX["status_note"]),
        status_date=_day(data, "status_date"),
        actors=_names(data, "actors", max_length=MAX["actor"]),
        prerequisites=_slug_list(data, "prerequisites", slug),
        tags=_names(data, "tags", max_length=MAX["name"], fold_case=True),
        sources=_sources(data),
    )


def _question(line, data):
    return QuestionRecord(
        line=line,
        slug=_key_slug(data),
        title=_text(data, "title", max_length=MAX["title"]).strip(),
        summary=_text(data, "summary", required=False),
        context=_text(data, "context", required=False),
        status=_status(data),
        published=_published(data),
        has_published="published" in data,
        regions=_names(data, "regions"),
        tags=_names(data, "tags", max_length=MAX["name"], fold_case=True),
    )


def _person(line, data):
    return PersonRecord(
        line=line,
        name=_text(data, "name", max_length=MAX["person"]).strip(),
        role=_text(data, "role", required=False, max_length=MAX["role"]),
        affiliation=_text(data, "affiliation", required=False, max_length=MAX["role"]),
        bio=_text(data, "bio", required=False),
        link=_url(data, "link"),
        photo=_image(data, "photo", texts=("alt",)),
        institute_role=_choice(data, "institute_role", INSTITUTE_ROLES, required=False),
        expertise=_names(data, "expertise", max_length=MAX["term"]),
        languages=_text(data, "languages", required=False, max_length=MAX["languages"]),
        email=_email(data, "email"),
        show_email=_bool(data, "show_email"),
        links=_profile_links(data),
    )


def _email(data, key):
    value = _text(data, key, required=False, max_length=MAX["email"])
    if value:
        try:
            EmailValidator()(value)
        except ValidationError:
            raise BadLine(f'"{key}" is not an email address') from None
    return value


def _profile_links(data):
    if "links" not in data:
        return ABSENT
    value = data["links"]
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadLine('"links" must be a list')
    links, seen = [], set()
    for item in value:
        if not isinstance(item, dict):
            raise BadLine('"links" must hold objects like {"url": ..., "label": ...}')
        url = _url(item, "url")
        if not url:
            raise BadLine('"links": each link needs a "url"')
        label = _text(item, "label", required=False, max_length=MAX["link_label"]) or ""
        if url not in seen:
            seen.add(url)
            links.append(ProfileLinkItem(url, label.strip()))
    return links


def _library_image(line, data):
    try:
        key = str(uuid.UUID(_text(data, "key", max_length=36)))
    except ValueError:
        raise BadLine(f'"key" must be a UUID, not "{data["key"]}"') from None
    path = _file(data)
    if not path:
        raise BadLine('missing required field "file"')
    sha256 = (_text(data, "sha256", required=False, max_length=64) or "").lower()
    if sha256 and not SHA256.fullmatch(sha256):
        raise BadLine('"sha256" must be 64 hexadecimal digits')
    return LibraryImageRecord(
        line=line,
        key=key,
        title=_text(data, "title", max_length=MAX["image_title"]).strip(),
        file=path,
        alt=_text(data, "alt", max_length=MAX["alt"]),
        sha256=sha256,
        caption=_text(data, "caption", required=False, max_length=MAX["caption"]),
        credit=_text(data, "credit", required=False, max_length=MAX["credit"]),
    )


def _term(kind, max_length):
    def parse(line, data):
        name = _text(data, "name", max_length=max_length).strip()
        record = TermRecord(
            line=line,
            kind=kind,
            name=name,
            description=_text(data, "description", required=False),
        )
        if kind == "region":
            record.parent = _text(data, "parent", required=False, max_length=max_length)
            if record.parent:
                record.parent = record.parent.strip()
            if record.parent == name:
                raise BadLine("a region cannot sit inside itself")
        if kind == "track":
            record.order = _order(data, "order")
        return record

    return parse


def _synonym(line, data):
    terms = _text(data, "terms", max_length=MAX["terms"])
    if len([t for t in terms.split(",") if t.strip()]) < 2:
        raise BadLine('"terms" must name at least two terms, separated by commas')
    return SynonymRecord(
        line=line, terms=terms, note=_text(data, "note", required=False, max_length=MAX["note"])
    )


KINDS = {
    "type": _term("type", MAX["term"]),
    "topic": _term("topic", MAX["term"]),
    "region": _term("region", MAX["term"]),
    "person": _person,
    "image": _library_image,
    "track": _term("track", MAX["term"]),
    "actor": _term("actor", MAX["actor"]),
    "question": _question,
    "publication": _publication,
    "option": _option,
    "synonym": _synonym,
}

# The keys each kind knows; any other is reported (a warning, an error under --strict).
# A publication's "featured" is read and ignored: files from before home page slots still load.
KEYS = {
    "publication": {
        "slug", "title", "type", "summary", "body", "status", "published", "featured",
        "authors", "topics", "regions", "tags", "image", "documents", "source", "source_url",
        "media", "related",
    },
    "option": {
        "slug", "title", "question", "track", "level", "timeframe", "summary", "description",
        "goals", "risks", "conditions", "status", "published", "real_world_status",
        "status_note", "status_date", "actors", "prerequisites", "tags", "sources",
    },
    "question": {"slug", "title", "summary", "context", "status", "published", "regions", "tags"},
    "person": {
        "name", "role", "affiliation", "bio", "link", "photo", "institute_role", "expertise",
        "languages", "email", "show_email", "links",
    },
    "image": {"key", "title", "file", "sha256", "alt", "caption", "credit"},
    "type": {"name", "description"},
    "topic": {"name", "description"},
    "region": {"name", "description", "parent"},
    "track": {"name", "description", "order"},
    "actor": {"name", "description"},
    "synonym": {"terms", "note"},
}  # fmt: skip


def _nul_in(data):
    """Whether any key or string in ``data`` holds a NUL character (walked without recursion)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class Parser:
    """Parses lines one at a time, remembering keys so a repeated one is a bad line."""

    def __init__(self):
        self.seen = {kind: {} for kind in KINDS}

    def parse(self, number, text):
        """A record, a ParseError, or None for a blank line."""
        if text is None:
            return ParseError(number, "not valid UTF-8")
        if not text.strip():
            return None
        try:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise BadLine(f"invalid JSON ({error.msg} at column {error.colno})") from None
            except RecursionError:
                raise BadLine("invalid JSON (nested too deeply)") from None
            if not isinstance(data, dict):
                raise BadLine(f"not a JSON object but {type(data).__name__}")
            # PostgreSQL refuses NUL in text (rolling back a whole batch); SQLite would store it.
            if _nul_in(data):
                raise BadLine("NUL character (\\u0000) in the line")
            kind = data.get("kind")
            if not isinstance(kind, str) or kind not in KINDS:
                shown = json.dumps(kind) if kind is not None else "none"
                expected = ", ".join(f'"{k}"' for k in KINDS)
                raise BadLine(f"unknown kind {shown} (expected one of {expected})")
            record = KINDS[kind](number, data)
        except BadLine as error:
            return ParseError(number, str(error))
        record.unknown = sorted(set(data) - KEYS[kind] - {"kind"})
        earlier = self.seen[kind].get(record.key)
        if earlier is not None:
            what = "slug" if kind in ("publication", "option", "question") else "name"
            what = "key" if kind == "image" else what
            return ParseError(number, f'duplicate {kind} {what} "{record.key}" (line {earlier})')
        self.seen[kind][record.key] = number
        return record


def unknown_keys(record):
    """A warning for a record's keys the format does not know (they are ignored)."""
    if not record.unknown:
        return None
    return ParseWarning(
        record.line, f"unknown key(s) ignored: {', '.join(json.dumps(k) for k in record.unknown)}"
    )


def read_lines(path):
    """(line number, text) for every line; text is None for a line that is not UTF-8."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
