"""One line of a JSON Lines content file → a typed record, or a line-numbered reason it is bad.

Nothing here touches the database: the whole file can be checked before anything is written
(``--strict``), and the importer only ever sees records that are well-formed. The format is
documented in docs/interchange.md; the field tables below are its executable form.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from options.models import OptionSource, PolicyOption
from policyhub.editorial.models import Publishable

# Editorial status in the file → stored status. Read from the model, so statuses added there
# (review, unpublished) are accepted here as they land; add an entry to map another name.
STATUSES = {value: value for value in Publishable.Status.values}
LEVELS = set(PolicyOption.Level.values)
TIMEFRAMES = set(PolicyOption.Timeframe.values)
REAL_WORLD_STATUSES = set(PolicyOption.RealWorldStatus.values)
STANCES = set(OptionSource.Stance.values)

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
RESERVED_SLUGS = {"feed"}


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


@dataclass
class PublicationRecord:
    line: int
    slug: str
    title: str
    type: str
    summary: str
    body: str
    status: str
    published: datetime | None
    has_published: bool
    authors: list[Author] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source: str = ""
    related: list[str] = field(default_factory=list)
    kind = "publication"


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
    description: str
    status: str
    published: datetime | None
    has_published: bool
    real_world_status: str | None
    actors: list[str] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    kind = "option"


@dataclass
class ParseError:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


# Maximum lengths of the columns the values land in, so a long value is a bad line, not a
# database error that would roll back a whole batch.
MAX = {"slug": 300, "title": 300, "name": 100, "source": 500, "person": 200, "actor": 200}


def _text(data, key, *, required=True, max_length=None, blank=False):
    if key not in data or data[key] is None:
        if required:
            raise BadLine(f'missing required field "{key}"')
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise BadLine(f'"{key}" must be a string, not {type(value).__name__}')
    if required and not blank and not value.strip():
        raise BadLine(f'"{key}" must not be empty')
    if max_length and len(value) > max_length:
        raise BadLine(f'"{key}" is longer than {max_length} characters')
    return value


def _names(data, key, *, max_length=120, fold_case=False):
    """A list of non-empty names, duplicates dropped (case-insensitively for tags)."""
    value = data.get(key)
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
        return None
    if value not in allowed:
        raise BadLine(f'unknown {key} "{value}" (expected one of: {", ".join(sorted(allowed))})')
    return value


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
    for slug in slugs:
        _slug(slug, f'"{key}" entry')
    if own_slug in slugs:
        raise BadLine(f'"{key}" lists the item itself')
    return slugs


def _authors(data):
    value = data.get("authors")
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
    value = data.get("sources")
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
            sources.append(Source(slug, stance, _text(item, "note", required=False)))
    return sources


def _publication(line, data):
    slug = _slug(_text(data, "slug", max_length=MAX["slug"]), "slug")
    if slug in RESERVED_SLUGS:
        raise BadLine(f'slug "{slug}" is reserved')
    status = _status(data)
    return PublicationRecord(
        line=line,
        slug=slug,
        title=_text(data, "title", max_length=MAX["title"]),
        type=_text(data, "type", max_length=120).strip(),
        summary=_text(data, "summary"),
        body=_text(data, "body", required=False),
        status=status,
        published=_published(data),
        has_published="published" in data,
        authors=_authors(data),
        topics=_names(data, "topics"),
        regions=_names(data, "regions"),
        tags=_names(data, "tags", max_length=MAX["name"], fold_case=True),
        source=_text(data, "source", required=False, max_length=MAX["source"]),
        related=_slug_list(data, "related", slug),
    )


def _option(line, data):
    slug = _slug(_text(data, "slug", max_length=MAX["slug"]), "slug")
    return OptionRecord(
        line=line,
        slug=slug,
        title=_text(data, "title", max_length=MAX["title"]),
        question=_text(data, "question", max_length=MAX["title"]).strip(),
        track=_text(data, "track", max_length=120).strip(),
        level=_choice(data, "level", LEVELS),
        timeframe=_choice(data, "timeframe", TIMEFRAMES),
        summary=_text(data, "summary"),
        description=_text(data, "description", required=False),
        status=_status(data),
        published=_published(data),
        has_published="published" in data,
        real_world_status=_choice(data, "real_world_status", REAL_WORLD_STATUSES, required=False),
        actors=_names(data, "actors", max_length=MAX["actor"]),
        prerequisites=_slug_list(data, "prerequisites", slug),
        tags=_names(data, "tags", max_length=MAX["name"], fold_case=True),
        sources=_sources(data),
    )


KINDS = {"publication": _publication, "option": _option}


class Parser:
    """Parses lines one at a time, remembering slugs so a repeated one is a bad line."""

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
            if not isinstance(data, dict):
                raise BadLine(f"not a JSON object but {type(data).__name__}")
            kind = data.get("kind")
            if kind not in KINDS:
                shown = json.dumps(kind) if kind is not None else "none"
                raise BadLine(f'unknown kind {shown} (expected "publication" or "option")')
            record = KINDS[kind](number, data)
        except BadLine as error:
            return ParseError(number, str(error))
        earlier = self.seen[kind].get(record.slug)
        if earlier is not None:
            return ParseError(number, f'duplicate {kind} slug "{record.slug}" (line {earlier})')
        self.seen[kind][record.slug] = number
        return record


def read_lines(path):
    """(line number, text) for every line; text is None for a line that is not UTF-8."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
