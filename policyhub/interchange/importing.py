"""Write parsed records to the database in bulk: one transaction per batch, links at the end.

Each batch of records is written in one transaction with bulk_create/bulk_update and lookup
dicts loaded once, so a 100,000-line file costs a few queries per thousand lines, never per
row. Links between imported items (related publications, prerequisites, sources) are written in
a second pass, when every row of the file exists, so they may point forward in the file. The
per-save search-index signals are suspended throughout; the index is brought up to date once
at the end. Re-importing a file compares before writing: what is unchanged is not touched.
Each publication or option created or changed gets one revision ("Imported from FILE"), written
in bulk once the links are in, so its relations snapshot shows them.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm

from options.models import (
    Actor,
    OptionSource,
    PolicyOption,
    PolicyQuestion,
    TaggedOption,
    TaggedQuestion,
    Track,
)
from policyhub.documents.models import Document, PublicationDocument
from policyhub.documents.pdf import checksum
from policyhub.editorial import cache as page_cache
from policyhub.editorial.images import (
    HERO_WIDTHS,
    KEPT_INFO,
    PHOTO_WIDTHS,
    carries_only_pixels,
    delete_files_on_error,
    open_image,
    update_renditions,
    without_metadata,
)
from policyhub.editorial.models import LibraryImage
from policyhub.editorial.revisions import record_many
from policyhub.editorial.richtext import figure_values, replace_figures, sanitize_html
from policyhub.search import indexing, signals
from policyhub.search.models import SearchDocument, Synonym
from publications.models import (
    Authorship,
    Expertise,
    Person,
    ProfileLink,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    TaggedPublication,
    Topic,
)

from .parsing import (
    ABSENT,
    KINDS,
    LibraryImageRecord,
    OptionRecord,
    ParseError,
    Parser,
    ParseWarning,
    PublicationRecord,
    QuestionRecord,
    present,
    read_lines,
    unknown_keys,
)

BATCH_SIZE = 1000
# Above this many changed items one full rebuild beats reindexing them one batch at a time.
REBUILD_ABOVE = 2000
PUBLISHED = Publication.Status.PUBLISHED
PLURALS = {kind: "people" if kind == "person" else f"{kind}s" for kind in KINDS}


@dataclass
class Report:
    bad_lines: list[ParseError] = field(default_factory=list)
    unresolved: list[ParseError] = field(default_factory=list)
    failed_batches: list[ParseError] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # Items a rerun found without their revision or search document (an interrupted import).
    repaired: set = field(default_factory=set)  # (kind, pk)
    warnings: list[ParseWarning] = field(default_factory=list)
    # (verb, kind, label) for each item created or updated, for a per-item log (load_demo).
    changes: list = field(default_factory=list)
    strict_refused: bool = False

    @property
    def problems(self):
        return sorted(self.bad_lines + self.unresolved + self.failed_batches, key=lambda e: e.line)

    @property
    def ok(self):
        return not self.problems

    def summary(self):
        if self.strict_refused:
            return f"{len(self.problems)} problem(s) found; --strict: nothing was imported."
        counted = self.created + self.updated + self.unchanged
        parts = [
            f"{PLURALS[kind]}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in KINDS
            if kind in ("publication", "option") or counted[kind]
        ]
        if self.repaired:
            parts.append(
                f"{len(self.repaired)} item(s) given their missing revision or search document"
            )
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning(s)")
        if self.bad_lines:
            parts.append(f"{len(self.bad_lines)} bad line(s) skipped")
        if self.failed_batches:
            parts.append(f"{len(self.failed_batches)} batch(es) not written")
        if self.unresolved:
            parts.append(f"{len(self.unresolved)} unresolved reference(s)")
        return "; ".join(parts) + "."


def unique_slug(name, taken, max_length):
    base = slugify(name)[: max_length - 8].strip("-") or "item"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


class Names:
    """name → id for a model matched by name, creating the missing ones in bulk."""

    def __init__(self, model, name_field="name", fold_case=False, **defaults):
        self.model, self.name_field, self.fold_case = model, name_field, fold_case
        self.defaults = defaults
        self.load()

    def key(self, name):
        return name.casefold() if self.fold_case else name

    def load(self):
        self.ids = {}
        # The oldest wins when names repeat (people, regions and questions may share one).
        for pk, name in self.model.objects.order_by("-pk").values_list("pk", self.name_field):
            self.ids[self.key(name)] = pk
        self.slugs = set(self.model.objects.values_list("slug", flat=True))

    def ensure(self, names, values=None):
        """Create the names not known yet; ``values`` (name → {field: value}) fills the new
        rows' other fields."""
        values = values or {}
        missing = {}
        for name in names:
            if self.key(name) not in self.ids:
                missing.setdefault(self.key(name), name)
        if not missing:
            return []
        max_length = self.model._meta.get_field("slug").max_length
        defaults = {k: v() if callable(v) else v for k, v in self.defaults.items()}
        objects = [
            self.model(
                **{self.name_field: name, "slug": unique_slug(name, self.slugs, max_length)},
                **defaults,
                **values.get(name, {}),
            )
            for name in missing.values()
        ]
        self.model.objects.bulk_create(objects)
        for obj in objects:
            self.ids[self.key(getattr(obj, self.name_field))] = obj.pk
        return objects

    def __getitem__(self, name):
        return self.ids[self.key(name)]


def sync_links(model, owner, target, desired, extra=()):
    """Make ``model``'s rows for these owners exactly ``desired``; return the owners changed.

    ``desired`` is {owner id: [(target id, {extra field: value}), ...]}. Rows already right are
    left alone (same primary key), so a re-import changes nothing.
    """
    have = {}
    for pk, owner_id, target_id, *values in model.objects.filter(
        **{f"{owner}__in": list(desired)}
    ).values_list("pk", owner, target, *extra):
        have[(owner_id, target_id)] = (pk, tuple(values))
    create, update, changed = [], [], set()
    for owner_id, items in desired.items():
        for target_id, values in items:
            known = have.pop((owner_id, target_id), None)
            row = tuple(values[name] for name in extra)
            if known is None:
                create.append((owner_id, target_id, *row))
                changed.add(owner_id)
            elif known[1] != row:
                update.append(model(pk=known[0], **values))
                changed.add(owner_id)
    stale = [pk for pk, _ in have.values()]
    changed.update(owner_id for owner_id, _ in have)
    for start in range(0, len(stale), BATCH_SIZE):
        model.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    if create:
        # Plain rows, not model instances: through rows are most of an import's rows, and
        # bulk_create spent more time building and compiling them than the database did.
        # Columns left out get their model default, as bulk_create would give them.
        defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), connection)
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in (owner, target, *extra)
        }
        rows = [(*row, *defaults.values()) for row in create]
        with connection.cursor() as cursor:
            cursor.executemany(insert_sql(model, (owner, target, *extra, *defaults)), rows)
    if update:
        model.objects.bulk_update(update, list(extra), batch_size=BATCH_SIZE)
    return changed


def insert_sql(model, names):
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
    values = ", ".join(["%s"] * len(names))
    # Names come from model metadata, never from input; values are parameters.
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608


PLAIN = (str, int, bool)


def create(model, objects):
    """``bulk_create`` for wide rows, several times faster: one executemany() per call.

    Each field's ``pre_save`` runs exactly as in ``save()`` and ``bulk_create`` (timestamps,
    ``RichTextField`` sanitising); the new ids are read back by slug.
    """
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = []
    for obj in objects:
        row = []
        for f in fields:
            value = f.pre_save(obj, True)
            # Strings, numbers and None reach the database unchanged whatever the field;
            # only the rest (times, files) needs the field's conversion.
            if value is not None and type(value) not in PLAIN:
                value = f.get_db_prep_save(value, connection)
            row.append(value)
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(insert_sql(model, [f.attname for f in fields]), rows)
    ids = dict(
        model.objects.filter(slug__in=[obj.slug for obj in objects]).values_list("slug", "pk")
    )
    for obj in objects:
        obj.pk = ids[obj.slug]
        obj._state.adding = False


def published_at(record, current, now):
    """The publish time a record asks for: its own, or (absent/null while published) the
    existing one, or now, as the admin does for "publish" without a time."""
    if record.published is not None:
        return record.published
    if record.status == PUBLISHED:
        return current or now
    return current if not record.has_published else None


def upsert_by_slug(model, records, values_of, rich_fields, now):
    """Write a batch of records keyed by slug: new rows in bulk, existing rows updated only in
    the fields that differ (so a re-import of the same file changes nothing).

    ``values_of(record)`` gives {field: value}; ABSENT values leave the field alone (a new row
    gets the model default). ``rich_fields`` are HTML, sanitised as in the admin. Returns the
    new rows, the changed rows and ``{slug: pk}`` for the whole batch.
    """
    existing = model.objects.in_bulk([r.slug for r in records], field_name="slug")
    new, changed, fields = [], [], set()
    for record in records:
        values = {name: value for name, value in values_of(record).items() if present(value)}
        current = existing.get(record.slug)
        if current is None:
            values["published_at"] = published_at(record, None, now)
            # create() runs RichTextField.pre_save: sanitised as in the admin.
            new.append(model(slug=record.slug, **values))
            continue
        values["published_at"] = published_at(record, current.published_at, now)
        for name in rich_fields:
            if name in values:
                values[name] = sanitize_html(values[name]) if values[name] else ""
        differs = [name for name, value in values.items() if getattr(current, name) != value]
        if differs:
            for name in differs:
                setattr(current, name, values[name])
            current.updated_at = now
            fields.update(differs)
            changed.append(current)
    create(model, new)
    if changed:
        model.objects.bulk_update(changed, [*sorted(fields), "updated_at"])
    return new, changed, {row.slug: row.pk for row in [*new, *existing.values()]}


def present_lists(records, attr, value_of):
    """{owner: desired links} for the records whose line has ``attr``: a list left out of a line
    leaves the item's links as they are."""
    return {
        owner: value_of(getattr(record, attr))
        for owner, record in records
        if present(getattr(record, attr))
    }


def load_image(path):
    """The file at ``path`` checked as an upload is, without its metadata; a ValidationError if
    it is not an acceptable image. A JPEG or WebP file with no metadata (as exported) is kept
    byte for byte: encoding it again would change it on every import, and lose quality."""
    with open(path, "rb") as handle:
        upload = File(handle, name=path.name)
        info, image = open_image(upload)
        data = upload.read()
        if not carries_only_pixels(data, info.format):
            return without_metadata(upload, info, image)
    # What without_metadata would hand on: the decoded pixels for the renditions.
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    copy = ContentFile(data, name=path.name)
    copy.metadata_removed, copy.image = True, image
    return copy


def figure_key(value):
    """A figure's image key in canonical form, or None if the value is not a key."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def figure_problem(value, known):
    """Why a figure of an imported text cannot be placed, or None: it must name an image of
    the file or the site by key (or no image at all, as an export writes one whose image is
    gone)."""
    if not value or figure_key(value) in known:
        return None
    if value.isascii() and value.isdigit():
        return (
            f'a figure names image "{value}" by its number in a site\'s library; name it by '
            'its key (an "image" line\'s "key")'
        )
    return f'figure image "{value}" not found (no "image" line or image of the site has this key)'


# The rich text fields of each kind, whose figures name library images.
RICH_FIELDS = {"publication": ("body",), "option": ("description",), "question": ("context",)}


def figures_in(record):
    """{field: sanitised text} of a record's rich text that holds figures; a text without the
    tag is not sanitised here (that happens once, on save)."""
    texts = {}
    for name in RICH_FIELDS[record.kind]:
        html = getattr(record, name)
        if present(html) and "<figure" in html.lower():
            texts[name] = sanitize_html(html)
    return texts


def same_file(field_file, content):
    """Whether the stored file holds exactly ``content``'s bytes (a missing file does not)."""
    if not field_file:
        return False
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            stored = handle.read()
    except OSError:
        return False
    content.seek(0)
    return stored == content.read()


class BadImage(Exception):
    pass


class BadDocument(Exception):
    pass


def verified_checksum(folder, record, path, expected, noun, error):
    """The SHA-256 of a file beside the import file, raising ``error`` (BadImage, BadDocument)
    if it cannot be read or is not the ``expected`` one."""
    try:
        with open(folder / path, "rb") as handle:
            sha256 = checksum(handle)
    except OSError as problem:
        raise error(f'line {record.line}: {noun} "{path}": {problem.strerror}') from None
    if expected and expected != sha256:
        raise error(
            f'line {record.line}: {noun} "{path}": its checksum is {sha256}, '
            f"not {expected}: the file is damaged or not the one exported"
        )
    return sha256


# Where each model keeps its image: (image field, renditions field, widths, texts → fields).
IMAGE_FIELDS = {
    Publication: (
        "hero_image",
        "hero_renditions",
        HERO_WIDTHS,
        {"alt": "hero_alt", "caption": "hero_caption", "credit": "hero_credit"},
    ),
    Person: ("photo", "photo_renditions", PHOTO_WIDTHS, {"alt": "photo_alt"}),
}


def image_texts(model, image):
    """The image's alt text, caption and credit as model field values."""
    if not present(image):
        return {}
    return {name: getattr(image, part) for part, name in IMAGE_FIELDS[model][3].items()}


class Importer:
    def __init__(self, report, batch_size=BATCH_SIZE, folder=None):
        self.report, self.batch_size = report, batch_size
        self.folder = Path(folder or ".")
        self.touched = {SearchDocument.Kind.PUBLICATION: set(), SearchDocument.Kind.OPTION: set()}
        self.touched[SearchDocument.Kind.PERSON] = set()
        # For the revisions: the rows this import created, and those whose links by slug
        # (related publications, prerequisites, sources) changed in the second pass.
        self.created = {Publication: set(), PolicyOption: set()}
        self.relinked = {Publication: set(), PolicyOption: set()}
        # Every item the file names, changed or not: a rerun after an interruption checks these
        # for a missing revision or search document.
        self.named = {Publication: set(), PolicyOption: set(), Person: set()}
        self.stale = {}  # kind → items of the file to index though unchanged (repair_index)
        self.related, self.prerequisites, self.sources = [], [], []
        self.load_lookups()

    def load_lookups(self):
        now = timezone.now
        # Documents by checksum: the same file named by several lines (or imported again) is
        # one document, stored and read once.
        self.documents = {}
        self.types = Names(PublicationType)
        self.topics = Names(Topic)
        self.regions = Names(Region)
        self.people = Names(Person)
        self.expertise = Names(Expertise)
        self.tags = Names(Tag, fold_case=True)
        self.tracks = Names(Track)
        self.actors = Names(Actor)
        # A question named by an option is created published: the option's own status then
        # decides what readers see (visible() needs both published).
        self.questions = Names(
            PolicyQuestion, name_field="title", status=PUBLISHED, published_at=now
        )
        self.bios = dict(Person.objects.values_list("pk", "bio"))
        # Library images by key: figures in the file name them so, the site by number.
        self.library = {str(key): pk for key, pk in LibraryImage.objects.values_list("key", "pk")}

    # -- one batch ------------------------------------------------------------------------

    def write(self, records):
        if not records:
            return
        by_kind = defaultdict(list)
        for record in records:
            by_kind[record.kind].append(record)
        try:
            # Files stored for a batch that rolls back (images, documents) go with it.
            with delete_files_on_error(), transaction.atomic():
                touched = {kind: set() for kind in self.touched}
                counts = Counter(), Counter(), Counter()
                created = {model: set() for model in self.created}
                named = {model: set() for model in self.named}
                changes = []
                batch = (touched, counts, changes, named)
                for kind in ("type", "topic", "region", "track", "actor"):
                    if by_kind[kind]:
                        self.write_terms(kind, by_kind[kind], batch)
                if by_kind["image"]:
                    self.write_library_images(by_kind["image"], batch)
                for kind in RICH_FIELDS:
                    by_kind[kind] = self.place_figures(by_kind[kind])
                if by_kind["person"]:
                    self.write_person_lines(by_kind["person"], batch)
                if by_kind["question"]:
                    self.write_questions(by_kind["question"], batch)
                if by_kind["synonym"]:
                    self.write_synonyms(by_kind["synonym"], batch)
                if by_kind["publication"]:
                    created[Publication] = self.write_publications(by_kind["publication"], batch)
                if by_kind["option"]:
                    created[PolicyOption] = self.write_options(by_kind["option"], batch)
        except (DatabaseError, BadImage, BadDocument) as error:
            # The transaction rolled back: ids created inside it are gone from the database,
            # so the lookups are reloaded rather than trusted.
            self.load_lookups()
            first, last = records[0].line, records[-1].line
            self.report.failed_batches.append(
                ParseError(first, f"lines {first}-{last} not written (rolled back): {error}")
            )
            return
        for kind, ids in touched.items():
            self.touched[kind] |= ids
        for model, ids in created.items():
            self.created[model] |= ids
        for model, ids in named.items():
            self.named[model] |= ids
        self.report.changes += changes
        for total, batch_counts in zip(
            (self.report.created, self.report.updated, self.report.unchanged), counts, strict=True
        ):
            total.update(batch_counts)
        publications, options = by_kind["publication"], by_kind["option"]
        self.related += [(r.line, r.slug, r.related) for r in publications if present(r.related)]
        self.prerequisites += [
            (r.line, r.slug, r.prerequisites) for r in options if present(r.prerequisites)
        ]
        self.sources += [(r.line, r.slug, r.sources) for r in options if present(r.sources)]

    @staticmethod
    def count(batch, kind, records, new_ids, changed_ids, label):
        """Add a batch's counts and change log; ``label`` maps a pk to the item's name."""
        _, (created, updated, unchanged), changes, _ = batch
        changed_ids = set(changed_ids) - set(new_ids)
        created[kind] += len(new_ids)
        updated[kind] += len(changed_ids)
        unchanged[kind] += len(records) - len(new_ids) - len(changed_ids)
        changes += [("created", kind, label(pk)) for pk in sorted(new_ids)]
        changes += [("updated", kind, label(pk)) for pk in sorted(changed_ids)]

    def upsert_by_name(self, names, records, values_of):
        """Rows matched by name: missing ones created with their values, the others updated
        in the fields that differ. Returns (pk per record, new pks, changed pks)."""
        values = {r.key: {k: v for k, v in values_of(r).items() if present(v)} for r in records}
        new_ids = {obj.pk for obj in names.ensure([r.key for r in records], values)}
        pks = [names[r.key] for r in records]
        rows = names.model.objects.in_bulk([pk for pk in pks if pk not in new_ids])
        changed = []
        for record, pk in zip(records, pks, strict=True):
            row = rows.get(pk)
            if row is None:
                continue
            differs = {k: v for k, v in values[record.key].items() if getattr(row, k) != v}
            if differs:
                for name, value in differs.items():
                    setattr(row, name, value)
                changed.append((row, differs))
        for row, differs in changed:
            names.model.objects.filter(pk=row.pk).update(**differs)
        return pks, new_ids, {row.pk for row, _ in changed}

    def write_terms(self, kind, records, batch):
        names = {
            "type": self.types,
            "topic": self.topics,
            "region": self.regions,
            "track": self.tracks,
            "actor": self.actors,
        }[kind]
        early = set()
        if kind == "region":
            # Parents named before their own line are created here; a line in this batch
            # that then fills one in counts it as created, not updated.
            early = {r.pk for r in self.regions.ensure(r.parent for r in records if r.parent)}
            parents = dict(Region.objects.values_list("pk", "parent_id"))

        def values(record):
            fields = {"description": record.description}
            if kind == "track":
                fields["order"] = record.order
            if kind == "region" and present(record.parent):
                fields["parent_id"] = None
                if record.parent:
                    parent = self.regions[record.parent]
                    own = self.regions.ids.get(record.name)
                    if own is not None and _reaches_up(parents, parent, own):
                        self.report.unresolved.append(
                            ParseError(
                                record.line,
                                f'parent region "{record.parent}" not set: '
                                "a region cannot sit inside itself",
                            )
                        )
                        fields.pop("parent_id")
                    else:
                        fields["parent_id"] = parent
                        if own is not None:
                            parents[own] = parent
            return fields

        pks, new_ids, changed_ids = self.upsert_by_name(names, records, values)
        new_ids |= early & set(pks)
        labels = {pk: name for name, pk in ((r.name, names[r.name]) for r in records)}
        self.count(batch, kind, records, new_ids, changed_ids, labels.get)

    def place_figures(self, records):
        """The records whose figures all name a known image, each figure rewritten to the
        image's number in this site's library; a line naming an unknown one is reported and not
        written (its figures would show nothing, or another image)."""
        kept = []
        for record in records:
            texts = figures_in(record)
            problems = [
                figure_problem(value, self.library)
                for html in texts.values()
                for value in figure_values(html)
            ]
            if problems := list(dict.fromkeys(p for p in problems if p)):
                self.report.bad_lines += [ParseError(record.line, p) for p in problems]
                continue
            for name, html in texts.items():
                setattr(record, name, replace_figures(html, self.figure_number))
            kept.append(record)
        return kept

    def figure_number(self, value):
        return str(self.library[figure_key(value)]) if value else ""

    def write_library_images(self, records, batch):
        """Images matched by key: new ones stored as an upload is, the others updated in the
        texts that differ, and their file replaced only when its bytes do."""
        existing = {
            str(image.key): image
            for image in LibraryImage.objects.filter(key__in=[r.key for r in records])
        }
        new_ids, changed_ids = set(), set()
        for record in records:
            path = self.folder / record.file
            sha256 = verified_checksum(
                self.folder, record, record.file, record.sha256, "image", BadImage
            )
            texts = {"title": record.title, "alt": record.alt}
            texts |= {name: getattr(record, name) for name in ("caption", "credit")}
            texts = {name: value for name, value in texts.items() if present(value)}
            image = existing.get(record.key)
            if image is None:
                image = LibraryImage(key=record.key, **texts)
                image.image = self.library_file(record, path)
                image.save()
                new_ids.add(image.pk)
                self.library[record.key] = image.pk
                continue
            differs = [name for name, value in texts.items() if getattr(image, name) != value]
            for name in differs:
                setattr(image, name, texts[name])
            if not self.same_library_file(image, sha256):
                content = self.library_file(record, path)
                if not same_file(image.image, content):
                    image.image = content
                    differs.append("image")
            if differs:
                image.save(update_fields=differs)
                changed_ids.add(image.pk)
        labels = {self.library[r.key]: r.title for r in records}
        self.count(batch, "image", records, new_ids, changed_ids, labels.get)

    def library_file(self, record, path):
        try:
            return load_image(path)
        except (OSError, ValidationError) as error:
            message = error.strerror if isinstance(error, OSError) else error.messages[0]
            raise BadImage(f'line {record.line}: image "{record.file}": {message}') from None

    @staticmethod
    def same_library_file(image, sha256):
        """Whether the stored file has this checksum (a missing file has none)."""
        try:
            with image.image.storage.open(image.image.name, "rb") as handle:
                return checksum(handle) == sha256
        except (OSError, ValueError):
            return False

    def write_person_lines(self, records, batch):
        touched, named = batch[0], batch[3]

        self.expertise.ensure(name for r in records for name in r.expertise or ())

        def values(record):
            return {
                "role": record.role,
                "affiliation": record.affiliation,
                "bio": record.bio,
                "link": record.link,
                # null or "" keeps the person's role in the institute as it is
                "kind": record.institute_role or ABSENT,
                "languages": record.languages,
                "email": record.email,
                "show_email": record.show_email,
                **image_texts(Person, record.photo),
            }

        pks, new_ids, changed_ids = self.upsert_by_name(self.people, records, values)
        owners = list(zip(pks, records, strict=True))
        changed_ids |= self.write_images(Person, owners, "photo")
        changed_ids |= sync_links(
            Person.expertise.through,
            "person_id",
            "expertise_id",
            present_lists(
                owners, "expertise", lambda names: [(self.expertise[n], {}) for n in names]
            ),
        )
        changed_ids |= sync_links(
            ProfileLink,
            "person_id",
            "url",
            present_lists(
                owners,
                "links",
                lambda links: [
                    (link.url, {"label": link.label, "order": i}) for i, link in enumerate(links)
                ],
            ),
            extra=("label", "order"),
        )
        for record, pk in zip(records, pks, strict=True):
            if present(record.bio):
                self.bios[pk] = record.bio
        touched[SearchDocument.Kind.PERSON] |= new_ids | changed_ids
        named[Person] |= set(pks)
        labels = dict(zip(pks, (r.name for r in records), strict=True))
        self.count(batch, "person", records, new_ids, changed_ids, labels.get)

    def write_images(self, model, owners, attr):
        """Store the image files the lines name; returns the pks whose image changed."""
        image_field, renditions_field, widths, _ = IMAGE_FIELDS[model]
        wanted = {
            pk: (record, getattr(record, attr))
            for pk, record in owners
            if present(getattr(record, attr)) and present(getattr(record, attr).file)
        }
        changed = set()
        for instance in model.objects.filter(pk__in=wanted).only(
            "pk", image_field, renditions_field
        ):
            record, image = wanted[instance.pk]
            if not image.file:
                if not getattr(instance, image_field):
                    continue
                setattr(instance, image_field, None)
            else:
                try:
                    content = load_image(self.folder / image.file)
                except (OSError, ValidationError) as error:
                    message = error.strerror if isinstance(error, OSError) else error.messages[0]
                    raise BadImage(f'line {record.line}: image "{image.file}": {message}') from None
                if same_file(getattr(instance, image_field), content):
                    continue
                setattr(instance, image_field, content)
            # Stores the file and makes the renditions, as a save from the admin would.
            update_renditions(instance, image_field, renditions_field, widths)
            model.objects.filter(pk=instance.pk).update(
                **{
                    image_field: getattr(instance, image_field).name or "",
                    renditions_field: getattr(instance, renditions_field),
                }
            )
            changed.add(instance.pk)
        return changed

    def write_documents(self, owners):
        """Attach the documents the lines list, in order; returns the publications changed."""
        desired = {}
        for pk, record in owners:
            if not present(record.documents):
                continue
            items, seen = [], set()
            for order, item in enumerate(record.documents):
                document = self.document(record, item)
                if document.pk not in seen:
                    seen.add(document.pk)
                    items.append((document.pk, {"label": item.label, "order": order}))
            desired[pk] = items
        return sync_links(
            PublicationDocument, "publication_id", "document_id", desired, extra=("label", "order")
        )

    def document(self, record, item):
        """The document holding ``item``'s file: found by checksum, or stored and read as an
        upload is. A file whose bytes do not match the line's ``sha256`` is refused."""
        path = self.folder / item.file
        sha256 = verified_checksum(
            self.folder, record, item.file, item.sha256, "document", BadDocument
        )
        texts = {
            name: getattr(item, name)
            for name in ("title", "description", "language")
            if present(getattr(item, name))
        }
        document = self.documents.get(sha256)
        if document is None:
            document = Document.objects.defer("page_texts").filter(sha256=sha256).first()
        if document is None:
            document = Document(**texts)
            try:
                with open(path, "rb") as handle:
                    # A new file: read, stored, drawn (cover) and extracted as an upload is.
                    document.file = File(handle, name=path.name)
                    document.save()
            except ValidationError as error:
                raise BadDocument(
                    f'line {record.line}: document "{item.file}": {error.messages[0]}'
                ) from None
        elif any(getattr(document, name) != value for name, value in texts.items()):
            for name, value in texts.items():
                setattr(document, name, value)
            document.save(update_fields=[*texts, "updated_at"])
        self.documents[sha256] = document
        return document

    def write_questions(self, records, batch):
        now = timezone.now()
        self.regions.ensure(name for r in records for name in r.regions or ())
        self.tags.ensure(name for r in records for name in r.tags or ())

        def values(record):
            return {
                "title": record.title,
                "summary": record.summary,
                "context": record.context,
                "status": record.status,
            }

        new, changed, by_slug = upsert_by_slug(PolicyQuestion, records, values, ["context"], now)
        owners = [(by_slug[r.slug], r) for r in records]
        links = sync_links(
            PolicyQuestion.regions.through,
            "policyquestion_id",
            "region_id",
            present_lists(owners, "regions", lambda names: [(self.regions[n], {}) for n in names]),
        )
        links |= sync_links(
            TaggedQuestion,
            "content_object_id",
            "tag_id",
            present_lists(owners, "tags", lambda names: [(self.tags[n], {}) for n in names]),
        )
        self.questions.load()
        new_ids = {q.pk for q in new}
        changed_ids = {q.pk for q in changed} | links
        labels = {by_slug[r.slug]: r.title for r in records}
        self.count(batch, "question", records, new_ids, changed_ids, labels.get)
        self.touched_options_of(changed_ids - new_ids, batch[0])

    def touched_options_of(self, question_ids, touched):
        # An option's search document shows whether its question is visible.
        if question_ids:
            touched[SearchDocument.Kind.OPTION] |= set(
                PolicyOption.objects.filter(question__in=question_ids).values_list("pk", flat=True)
            )

    def write_synonyms(self, records, batch):
        existing = {
            s.terms: s for s in Synonym.objects.filter(terms__in=[r.terms for r in records])
        }
        new_ids, changed_ids, labels = set(), set(), {}
        for record in records:
            synonym = existing.get(record.terms)
            if synonym is None:
                synonym = Synonym(terms=record.terms)
            elif not present(record.note) or synonym.note == record.note:
                labels[synonym.pk] = record.terms
                continue
            if present(record.note):
                synonym.note = record.note
            adding = synonym.pk is None
            synonym.save()  # save() clears the cached synonym groups
            (new_ids if adding else changed_ids).add(synonym.pk)
            labels[synonym.pk] = record.terms
        self.count(batch, "synonym", records, new_ids, changed_ids, labels.get)

    def write_people(self, records, touched, named):
        authors = [author for record in records for author in record.authors or ()]
        new_bios = {a.name: {"bio": a.bio} for a in authors if a.bio is not None}
        for person in self.people.ensure((a.name for a in authors), new_bios):
            self.bios[person.pk] = person.bio
            touched[SearchDocument.Kind.PERSON].add(person.pk)
        bios = {}
        for author in authors:
            pk = self.people[author.name]
            named[Person].add(pk)
            if author.bio is not None and self.bios.get(pk) != author.bio:
                bios[pk] = author.bio
        if bios:
            Person.objects.bulk_update(
                [Person(pk=pk, bio=bio) for pk, bio in bios.items()], ["bio"]
            )
            self.bios.update(bios)
            touched[SearchDocument.Kind.PERSON] |= set(bios)

    def write_publications(self, records, batch):
        touched, _, _, named = batch
        now = timezone.now()
        self.types.ensure(r.type for r in records)
        self.topics.ensure(name for r in records for name in r.topics or ())
        self.regions.ensure(name for r in records for name in r.regions or ())
        self.tags.ensure(name for r in records for name in r.tags or ())
        self.write_people(records, touched, named)

        def values(record):
            return {
                "title": record.title,
                "publication_type_id": self.types[record.type],
                "summary": record.summary,
                "body": record.body,
                "status": record.status,
                "source_note": record.source,
                "source_url": record.source_url,
                "media": record.media,
                **image_texts(Publication, record.image),
            }

        new, changed, by_slug = upsert_by_slug(Publication, records, values, ["body"], now)
        owners = [(by_slug[r.slug], r) for r in records]

        links = set()
        links |= sync_links(
            Authorship,
            "publication_id",
            "person_id",
            present_lists(
                owners,
                "authors",
                lambda authors: [
                    (self.people[a.name], {"order": i}) for i, a in enumerate(authors)
                ],
            ),
            extra=("order",),
        )
        for model, target, names, attr in (
            (Publication.topics.through, "topic_id", self.topics, "topics"),
            (Publication.regions.through, "region_id", self.regions, "regions"),
            (TaggedPublication, "tag_id", self.tags, "tags"),
        ):
            owner = "content_object_id" if model is TaggedPublication else "publication_id"
            links |= sync_links(
                model,
                owner,
                target,
                present_lists(owners, attr, lambda ns, names=names: [(names[n], {}) for n in ns]),
            )
        links |= self.write_images(Publication, owners, "image")
        links |= self.write_documents(owners)
        new_ids = {p.pk for p in new}
        changed_ids = {p.pk for p in changed} | links
        # A change of links alone moves updated_at too, so a rerun after an interruption can
        # tell the item still lacks its revision.
        touch_updated_at(Publication, links - new_ids - {p.pk for p in changed}, now)
        labels = {by_slug[r.slug]: r.title for r in records}
        self.count(batch, "publication", records, new_ids, changed_ids, labels.get)
        touched[SearchDocument.Kind.PUBLICATION] |= changed_ids | new_ids
        named[Publication] |= set(by_slug[r.slug] for r in records)
        return new_ids

    def write_options(self, records, batch):
        touched, _, _, named = batch
        now = timezone.now()
        self.questions.ensure(r.question for r in records)
        self.tracks.ensure(r.track for r in records)
        self.actors.ensure(name for r in records for name in r.actors or ())
        self.tags.ensure(name for r in records for name in r.tags or ())

        def values(record):
            return {
                "title": record.title,
                "question_id": self.questions[record.question],
                "track_id": self.tracks[record.track],
                "level": record.level,
                "timeframe": record.timeframe,
                "summary": record.summary,
                "description": record.description,
                "goals": record.goals,
                "risks": record.risks,
                "conditions": record.conditions,
                "status": record.status,
                "real_world_status": record.real_world_status,
                "status_note": record.status_note,
                "status_date": record.status_date,
            }

        new, changed, by_slug = upsert_by_slug(PolicyOption, records, values, ["description"], now)
        owners = [(by_slug[r.slug], r) for r in records]
        links = sync_links(
            PolicyOption.actors.through,
            "policyoption_id",
            "actor_id",
            present_lists(owners, "actors", lambda ns: [(self.actors[n], {}) for n in ns]),
        )
        links |= sync_links(
            TaggedOption,
            "content_object_id",
            "tag_id",
            present_lists(owners, "tags", lambda ns: [(self.tags[n], {}) for n in ns]),
        )
        new_ids = {o.pk for o in new}
        changed_ids = {o.pk for o in changed} | links
        touch_updated_at(PolicyOption, links - new_ids - {o.pk for o in changed}, now)
        labels = {by_slug[r.slug]: r.title for r in records}
        self.count(batch, "option", records, new_ids, changed_ids, labels.get)
        touched[SearchDocument.Kind.OPTION] |= changed_ids | new_ids
        named[PolicyOption] |= set(by_slug[r.slug] for r in records)
        return new_ids

    # -- second pass: links by slug, once every row exists -----------------------------------

    def link(self):
        publications = dict(Publication.objects.values_list("slug", "pk"))
        options = dict(PolicyOption.objects.values_list("slug", "pk"))
        self.relinked[Publication] |= self._link(
            [
                (line, slug, [(target, {"order": i}) for i, target in enumerate(related)])
                for line, slug, related in self.related
            ],
            owners=publications,
            targets=publications,
            owner_model=Publication,
            what="related publication",
            model=RelatedPublication,
            fields=("from_publication_id", "to_publication_id", "order"),
        )
        self.relinked[PolicyOption] |= self._link(
            [
                (line, slug, [(target, {}) for target in prereqs])
                for line, slug, prereqs in self._acyclic_prerequisites(options)
            ],
            owners=options,
            targets=options,
            owner_model=PolicyOption,
            what="prerequisite option",
            model=PolicyOption.prerequisites.through,
            fields=("from_policyoption_id", "to_policyoption_id"),
        )
        self.relinked[PolicyOption] |= self._link(
            [
                (
                    line,
                    slug,
                    [
                        (
                            s.publication,
                            {"stance": s.stance, "quote": s.quote, "note": s.note, "order": i},
                        )
                        for i, s in enumerate(sources)
                    ],
                )
                for line, slug, sources in self.sources
            ],
            owners=options,
            targets=publications,
            owner_model=PolicyOption,
            what="source publication",
            model=OptionSource,
            fields=("option_id", "publication_id", "stance", "quote", "note", "order"),
        )

    def _acyclic_prerequisites(self, options):
        """``self.prerequisites`` without the links that would close a cycle, in file order: the
        admin refuses a cycle, and a file can make one across its lines or with options already
        stored. Each link left out is reported against its line."""
        importing = {options[slug] for _, slug, _ in self.prerequisites}
        graph = defaultdict(set)
        stored = PolicyOption.prerequisites.through.objects.values_list(
            "from_policyoption_id", "to_policyoption_id"
        )
        for owner, target in stored.iterator(chunk_size=self.batch_size):
            if owner not in importing:  # the file replaces these options' prerequisites
                graph[owner].add(target)
        kept = []
        for line, slug, prerequisites in self.prerequisites:
            owner, accepted = options[slug], []
            for target_slug in prerequisites:
                target = options.get(target_slug)
                if target is not None and _reaches(graph, target, owner):
                    self.report.unresolved.append(
                        ParseError(
                            line,
                            f'prerequisite option "{target_slug}" not linked: '
                            "it would make a cycle",
                        )
                    )
                    continue
                if target is not None:
                    graph[owner].add(target)
                accepted.append(target_slug)  # an unknown slug is reported by _link
            kept.append((line, slug, accepted))
        return kept

    def _link(self, pending, *, owners, targets, owner_model, what, model, fields):
        """Write the links in batches; returns the owners whose links changed."""
        owner, target, *extra = fields
        changed = set()
        for start in range(0, len(pending), self.batch_size):
            chunk = pending[start : start + self.batch_size]
            desired = {}
            for line, slug, items in chunk:
                resolved = []
                for target_slug, values in items:
                    if target_slug in targets:
                        resolved.append((targets[target_slug], values))
                    else:
                        self.report.unresolved.append(
                            ParseError(line, f'{what} "{target_slug}" not found')
                        )
                desired[owners[slug]] = resolved
            try:
                with transaction.atomic():
                    relinked = sync_links(model, owner, target, desired, extra=tuple(extra))
                    touch_updated_at(owner_model, relinked, timezone.now())
                    changed |= relinked
            except DatabaseError as error:
                first, last = chunk[0][0], chunk[-1][0]
                self.report.failed_batches.append(
                    ParseError(first, f"{what} links of lines {first}-{last} not written: {error}")
                )
        return changed

    # -- revisions, once the links are in -------------------------------------------------------

    def record_revisions(self, source, progress=None):
        """One revision per publication or option created or changed by this import, and for
        each item of the file an interrupted run left without one.

        Written after the second pass so the relations snapshot has the links by slug too; an
        item changed only there (a related publication, a source) counts as updated.
        """
        reason = f"Imported from {source}"
        kinds = (
            (Publication, SearchDocument.Kind.PUBLICATION, "publication"),
            (PolicyOption, SearchDocument.Kind.OPTION, "option"),
        )
        pending = []
        for model, kind, noun in kinds:
            written = self.touched[kind]
            relinked_only = self.relinked[model] - written
            self.report.updated[noun] += len(relinked_only)
            self.report.unchanged[noun] -= len(relinked_only)
            titles = dict(model.objects.filter(pk__in=relinked_only).values_list("pk", "title"))
            self.report.changes += [("updated", noun, titles[pk]) for pk in sorted(titles)]
            lacking = self.without_revision(model)
            missing = set(lacking) - written - relinked_only
            # One with no revision at all was created by the interrupted run: "+", as it would be.
            self.created[model] |= {pk for pk, never in lacking.items() if never}
            self.report.repaired |= {(noun, pk) for pk in missing}
            pending.append((model, sorted(written | relinked_only | missing)))
        total = sum(len(pks) for _, pks in pending)
        with tqdm(total=total, unit="item", disable=progress, desc="Revisions") as bar:
            for model, pks in pending:
                record_many(
                    model,
                    pks,
                    reason=reason,
                    created=self.created[model],
                    batch_size=self.batch_size,
                    progress=bar.update,
                )

    def without_revision(self, model):
        """The items of the file whose last change has no revision yet, {pk: whether it has
        none at all}: an import interrupted between its batches and its revisions left them so."""
        history = model.history.model
        # An aggregate over the item's rows (its id index): "newest first, LIMIT 1" let
        # PostgreSQL walk the whole history by date for each item of a fresh import.
        latest = (
            history.objects.filter(id=OuterRef("pk"))
            .values("id")
            .annotate(latest=Max("history_date"))
            .values("latest")
        )
        found, ids = {}, sorted(self.named[model])
        for start in range(0, len(ids), self.batch_size):
            found.update(
                (pk, revised is None)
                for pk, revised in model.objects.filter(pk__in=ids[start : start + self.batch_size])
                .annotate(revised=Subquery(latest))
                .filter(Q(revised__isnull=True) | Q(revised__lt=F("updated_at")))
                .values_list("pk", "revised")
            )
        return found

    # -- the search index, once -------------------------------------------------------------

    def repair_index(self):
        """Add to the items to index those of the file that need it though this run did not
        change them: no search document, or a change an interrupted run did not index (such
        items also lack their revision, written after the index)."""
        kinds = (
            (Publication, SearchDocument.Kind.PUBLICATION),
            (PolicyOption, SearchDocument.Kind.OPTION),
            (Person, SearchDocument.Kind.PERSON),
        )
        for model, kind in kinds:
            ids = sorted(self.named[model] - self.touched[kind])
            missing = set()
            for start in range(0, len(ids), self.batch_size):
                chunk = ids[start : start + self.batch_size]
                indexed = set(
                    SearchDocument.objects.filter(kind=kind, object_id__in=chunk).values_list(
                        "object_id", flat=True
                    )
                )
                missing |= set(chunk) - indexed
            if model is not Person:
                missing |= set(self.without_revision(model)) - self.touched[kind]
            # Relinked items lack a revision because of this run's links; still indexed, as a
            # run before may have changed them too, but not reported as repaired.
            self.report.repaired |= {
                (str(kind), pk) for pk in missing - self.relinked.get(model, set())
            }
            self.stale[kind] = missing

    def update_index(self, progress=None):
        pending = {kind: ids | self.stale.get(kind, set()) for kind, ids in self.touched.items()}
        if sum(len(ids) for ids in pending.values()) > REBUILD_ABOVE:
            indexing.rebuild(progress=progress)
            return
        for kind, ids in pending.items():
            indexing.reindex(kind, ids)


def check(path):
    """Every problem in the file, without writing: bad lines, unknown keys and references to
    slugs found neither in the file nor in the database (for ``--strict``)."""
    parser, problems = Parser(), []
    references, figures = [], []
    for number, text in read_lines(path):
        result = parser.parse(number, text)
        if isinstance(result, ParseError):
            problems.append(result)
            continue
        if result is not None and result.unknown:
            problems.append(ParseError(number, unknown_keys(result).reason))
        image = getattr(result, "image", None) or getattr(result, "photo", None)
        if isinstance(result, LibraryImageRecord):
            image = result
        if image and image.file and not (Path(path).parent / image.file).is_file():
            problems.append(ParseError(number, f'image file "{image.file}" not found'))
        if isinstance(result, PublicationRecord | OptionRecord | QuestionRecord):
            for html in figures_in(result).values():
                figures += [(number, value) for value in figure_values(html)]
        for document in getattr(result, "documents", None) or ():
            if not (Path(path).parent / document.file).is_file():
                problems.append(ParseError(number, f'document file "{document.file}" not found'))
        if isinstance(result, PublicationRecord):
            references += [
                (number, "related publication", "publication", s) for s in result.related or ()
            ]
        elif isinstance(result, OptionRecord):
            references += [
                (number, "prerequisite option", "option", s) for s in result.prerequisites or ()
            ]
            references += [
                (number, "source publication", "publication", s.publication)
                for s in result.sources or ()
            ]
    known = {
        "publication": set(parser.seen["publication"]),
        "option": set(parser.seen["option"]),
    }
    wanted = {kind: {s for _, _, k, s in references if k == kind} for kind in known}
    for kind, model in (("publication", Publication), ("option", PolicyOption)):
        missing = list(wanted[kind] - known[kind])
        for start in range(0, len(missing), BATCH_SIZE):
            known[kind] |= set(
                model.objects.filter(slug__in=missing[start : start + BATCH_SIZE]).values_list(
                    "slug", flat=True
                )
            )
    for number, what, kind, slug in references:
        if slug not in known[kind]:
            problems.append(ParseError(number, f'{what} "{slug}" not found'))
    # An image line must come before the texts placing it: a later batch is written too late.
    stored = {str(key) for key in LibraryImage.objects.values_list("key", flat=True)}
    for number, value in dict.fromkeys(figures):
        key = figure_key(value)
        placed = key in stored or parser.seen["image"].get(key, number) < number
        if not placed and (problem := figure_problem(value, ())):
            problems.append(ParseError(number, problem))
    return sorted(problems, key=lambda p: p.line)


def touch_updated_at(model, pks, now):
    """Move ``updated_at`` of items whose links alone changed (no field of their own did)."""
    pks = sorted(pks)
    for start in range(0, len(pks), BATCH_SIZE):
        model.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(updated_at=now)


def _reaches_up(parents, start, goal):
    """Whether walking up from region ``start`` through ``parents`` ({region: parent}) meets
    ``goal``: then making ``start`` the parent of ``goal`` would close a cycle."""
    seen, node = set(), start
    while node is not None and node not in seen:
        if node == goal:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


def _reaches(graph, start, goal):
    """Whether ``goal`` is ``start`` or depends on it through ``graph``: {option: prerequisites}."""
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, ()))
    return False


def count_lines(path):
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def import_file(path, *, strict=False, batch_size=BATCH_SIZE, progress=None):
    """Import a JSON Lines file; returns a Report. ``progress`` as tqdm's ``disable``."""
    report = Report()
    if strict:
        report.bad_lines = check(path)
        if report.bad_lines:
            report.strict_refused = True
            return report
    importer = Importer(report, batch_size=batch_size, folder=Path(path).parent)
    parser = Parser()
    with (
        signals.suspended(),
        tqdm(total=count_lines(path), unit="line", disable=progress, desc="Importing") as bar,
    ):
        batch = []
        for number, text in read_lines(path):
            result = parser.parse(number, text)
            if isinstance(result, ParseError):
                report.bad_lines.append(result)
            elif result is not None:
                if warning := unknown_keys(result):
                    report.warnings.append(warning)
                batch.append(result)
            if len(batch) >= batch_size:
                importer.write(batch)
                bar.update(batch[-1].line - bar.n)
                batch = []
        importer.write(batch)
        bar.update(bar.total - bar.n)
        importer.link()
    # The index before the revisions: an item's missing revision is how a rerun after an
    # interruption knows its index entry may be stale too (repair_index).
    importer.repair_index()
    importer.update_index(progress=progress)
    importer.record_revisions(Path(path).name, progress=progress)
    # Bulk writes send no save signals, so cached pages would not know about them.
    page_cache.invalidate()
    return report
