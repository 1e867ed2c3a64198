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

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, connection, transaction
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
    Track,
)
from policyhub.editorial import cache as page_cache
from policyhub.editorial.revisions import record_many
from policyhub.editorial.richtext import sanitize_html
from policyhub.search import indexing, signals
from policyhub.search.models import SearchDocument
from publications.models import (
    Authorship,
    Person,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    TaggedPublication,
    Topic,
)

from .parsing import OptionRecord, ParseError, Parser, PublicationRecord, read_lines

BATCH_SIZE = 1000
# Above this many changed items one full rebuild beats reindexing them one batch at a time.
REBUILD_ABOVE = 2000
PUBLISHED = Publication.Status.PUBLISHED


@dataclass
class Report:
    bad_lines: list[ParseError] = field(default_factory=list)
    unresolved: list[ParseError] = field(default_factory=list)
    failed_batches: list[ParseError] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
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
        parts = [
            f"{kind}s: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in ("publication", "option")
        ]
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


def upsert_by_slug(model, records, values_of, rich_field, now):
    """Write a batch of records keyed by slug: new rows in bulk, existing rows updated only in
    the fields that differ (so a re-import of the same file changes nothing).

    ``rich_field`` names the HTML field on both the record and the model. Returns the new rows,
    the changed rows and ``{slug: pk}`` for the whole batch.
    """
    existing = model.objects.in_bulk([r.slug for r in records], field_name="slug")
    new, changed, fields = [], [], set()
    for record in records:
        values = values_of(record)
        html = getattr(record, rich_field)
        current = existing.get(record.slug)
        if current is None:
            values["published_at"] = published_at(record, None, now)
            # create() runs RichTextField.pre_save: sanitised as in the admin.
            new.append(model(slug=record.slug, **{rich_field: html}, **values))
            continue
        values["published_at"] = published_at(record, current.published_at, now)
        values[rich_field] = sanitize_html(html) if html else ""
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


class Importer:
    def __init__(self, report, batch_size=BATCH_SIZE):
        self.report, self.batch_size = report, batch_size
        self.touched = {SearchDocument.Kind.PUBLICATION: set(), SearchDocument.Kind.OPTION: set()}
        self.touched[SearchDocument.Kind.PERSON] = set()
        # For the revisions: the rows this import created, and those whose links by slug
        # (related publications, prerequisites, sources) changed in the second pass.
        self.created = {Publication: set(), PolicyOption: set()}
        self.relinked = {Publication: set(), PolicyOption: set()}
        self.related, self.prerequisites, self.sources = [], [], []
        self.load_lookups()

    def load_lookups(self):
        now = timezone.now
        self.types = Names(PublicationType)
        self.topics = Names(Topic)
        self.regions = Names(Region)
        self.people = Names(Person)
        self.tags = Names(Tag, fold_case=True)
        self.tracks = Names(Track)
        self.actors = Names(Actor)
        # A question named by an option is created published: the option's own status then
        # decides what readers see (visible() needs both published).
        self.questions = Names(
            PolicyQuestion, name_field="title", status=PUBLISHED, published_at=now
        )
        self.bios = dict(Person.objects.values_list("pk", "bio"))

    # -- one batch ------------------------------------------------------------------------

    def write(self, records):
        if not records:
            return
        publications = [r for r in records if isinstance(r, PublicationRecord)]
        options = [r for r in records if isinstance(r, OptionRecord)]
        try:
            with transaction.atomic():
                touched = {kind: set() for kind in self.touched}
                counts = Counter(), Counter(), Counter()
                created = {model: set() for model in self.created}
                if publications:
                    created[Publication] = self.write_publications(publications, touched, counts)
                if options:
                    created[PolicyOption] = self.write_options(options, touched, counts)
        except DatabaseError as error:
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
        for total, batch in zip(
            (self.report.created, self.report.updated, self.report.unchanged), counts, strict=True
        ):
            total.update(batch)
        self.related += [(r.line, r.slug, r.related) for r in publications]
        self.prerequisites += [(r.line, r.slug, r.prerequisites) for r in options]
        self.sources += [(r.line, r.slug, r.sources) for r in options]

    def write_people(self, records, touched):
        authors = [author for record in records for author in record.authors]
        new_bios = {a.name: {"bio": a.bio} for a in authors if a.bio is not None}
        for person in self.people.ensure((a.name for a in authors), new_bios):
            self.bios[person.pk] = person.bio
            touched[SearchDocument.Kind.PERSON].add(person.pk)
        bios = {}
        for author in authors:
            pk = self.people[author.name]
            if author.bio is not None and self.bios.get(pk) != author.bio:
                bios[pk] = author.bio
        if bios:
            Person.objects.bulk_update(
                [Person(pk=pk, bio=bio) for pk, bio in bios.items()], ["bio"]
            )
            self.bios.update(bios)
            touched[SearchDocument.Kind.PERSON] |= set(bios)

    def write_publications(self, records, touched, counts):
        created, updated, unchanged = counts
        now = timezone.now()
        self.types.ensure(r.type for r in records)
        self.topics.ensure(name for r in records for name in r.topics)
        self.regions.ensure(name for r in records for name in r.regions)
        self.tags.ensure(name for r in records for name in r.tags)
        self.write_people(records, touched)

        def values(record):
            return {
                "title": record.title,
                "publication_type_id": self.types[record.type],
                "summary": record.summary,
                "status": record.status,
                "source_note": record.source,
            }

        new, changed, by_slug = upsert_by_slug(Publication, records, values, "body", now)

        links = set()
        links |= sync_links(
            Authorship,
            "publication_id",
            "person_id",
            {
                by_slug[r.slug]: [
                    (self.people[a.name], {"order": i}) for i, a in enumerate(r.authors)
                ]
                for r in records
            },
            extra=("order",),
        )
        for model, target, names, attr in (
            (Publication.topics.through, "topic_id", self.topics, "topics"),
            (Publication.regions.through, "region_id", self.regions, "regions"),
        ):
            links |= sync_links(
                model,
                "publication_id",
                target,
                {by_slug[r.slug]: [(names[n], {}) for n in getattr(r, attr)] for r in records},
            )
        links |= sync_links(
            TaggedPublication,
            "content_object_id",
            "tag_id",
            {by_slug[r.slug]: [(self.tags[n], {}) for n in r.tags] for r in records},
        )
        changed_ids = {p.pk for p in changed} | links
        new_ids = {p.pk for p in new}
        created["publication"] += len(new)
        updated["publication"] += len(changed_ids - new_ids)
        unchanged["publication"] += len(records) - len(new) - len(changed_ids - new_ids)
        touched[SearchDocument.Kind.PUBLICATION] |= changed_ids | new_ids
        return new_ids

    def write_options(self, records, touched, counts):
        created, updated, unchanged = counts
        now = timezone.now()
        self.questions.ensure(r.question for r in records)
        self.tracks.ensure(r.track for r in records)
        self.actors.ensure(name for r in records for name in r.actors)
        self.tags.ensure(name for r in records for name in r.tags)

        def values(record):
            fields = {
                "title": record.title,
                "question_id": self.questions[record.question],
                "track_id": self.tracks[record.track],
                "level": record.level,
                "timeframe": record.timeframe,
                "summary": record.summary,
                "status": record.status,
            }
            if record.real_world_status is not None:
                fields["real_world_status"] = record.real_world_status
            return fields

        new, changed, by_slug = upsert_by_slug(PolicyOption, records, values, "description", now)

        links = sync_links(
            PolicyOption.actors.through,
            "policyoption_id",
            "actor_id",
            {by_slug[r.slug]: [(self.actors[n], {}) for n in r.actors] for r in records},
        )
        links |= sync_links(
            TaggedOption,
            "content_object_id",
            "tag_id",
            {by_slug[r.slug]: [(self.tags[n], {}) for n in r.tags] for r in records},
        )
        changed_ids = {o.pk for o in changed} | links
        new_ids = {o.pk for o in new}
        created["option"] += len(new)
        updated["option"] += len(changed_ids - new_ids)
        unchanged["option"] += len(records) - len(new) - len(changed_ids - new_ids)
        touched[SearchDocument.Kind.OPTION] |= changed_ids | new_ids
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
                        (s.publication, {"stance": s.stance, "note": s.note, "order": i})
                        for i, s in enumerate(sources)
                    ],
                )
                for line, slug, sources in self.sources
            ],
            owners=options,
            targets=publications,
            what="source publication",
            model=OptionSource,
            fields=("option_id", "publication_id", "stance", "note", "order"),
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

    def _link(self, pending, *, owners, targets, what, model, fields):
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
                    changed |= sync_links(model, owner, target, desired, extra=tuple(extra))
            except DatabaseError as error:
                first, last = chunk[0][0], chunk[-1][0]
                self.report.failed_batches.append(
                    ParseError(first, f"{what} links of lines {first}-{last} not written: {error}")
                )
        return changed

    # -- revisions, once the links are in -------------------------------------------------------

    def record_revisions(self, source, progress=None):
        """One revision per publication or option created or changed by this import.

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
            pending.append((model, sorted(written | relinked_only)))
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

    # -- the search index, once -------------------------------------------------------------

    def update_index(self, progress=None):
        if sum(len(ids) for ids in self.touched.values()) > REBUILD_ABOVE:
            indexing.rebuild(progress=progress)
            return
        for kind, ids in self.touched.items():
            indexing.reindex(kind, ids)


def check(path):
    """Every problem in the file, without writing: bad lines and references to slugs found
    neither in the file nor in the database (for ``--strict``)."""
    parser, problems = Parser(), []
    references = []
    for number, text in read_lines(path):
        result = parser.parse(number, text)
        if isinstance(result, ParseError):
            problems.append(result)
        elif isinstance(result, PublicationRecord):
            references += [
                (number, "related publication", "publication", s) for s in result.related
            ]
        elif isinstance(result, OptionRecord):
            references += [
                (number, "prerequisite option", "option", s) for s in result.prerequisites
            ]
            references += [
                (number, "source publication", "publication", s.publication) for s in result.sources
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
    return sorted(problems, key=lambda p: p.line)


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
    importer = Importer(report, batch_size=batch_size)
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
                batch.append(result)
            if len(batch) >= batch_size:
                importer.write(batch)
                bar.update(batch[-1].line - bar.n)
                batch = []
        importer.write(batch)
        bar.update(bar.total - bar.n)
        importer.link()
        importer.record_revisions(Path(path).name, progress=progress)
    importer.update_index(progress=progress)
    # Bulk writes send no save signals, so cached pages would not know about them.
    page_cache.invalidate()
    return report
