"""Keeping the index current: replace the documents of a few objects, or rebuild everything."""

from collections import Counter

from django.core.management.color import no_style
from django.db import connection, transaction
from tqdm import tqdm

from options.models import PolicyOption, PolicyQuestion
from publications.models import Publication

from . import postgresql_swap, sqlite_schema, triggers
from .documents import SOURCES, RegionTree
from .models import SearchDocument, SearchFacet, SearchWord, TitleWord

BATCH_SIZE = 500
# Content tables that visible_documents() reads on every search.
VISIBILITY_TABLES = tuple(m._meta.db_table for m in (Publication, PolicyOption, PolicyQuestion))


def _pack_facet_keys(entries):
    """Each document carries its facet values packed (SearchDocument.facet_keys)."""
    for entry in entries:
        entry.document.facet_keys = SearchFacet.pack(entry.facets)


def _store(entries):
    _pack_facet_keys(entries)
    documents = SearchDocument.objects.bulk_create([entry.document for entry in entries])
    SearchFacet.objects.bulk_create(
        [
            SearchFacet(document=document, facet=facet, value=value)
            for document, entry in zip(documents, entries, strict=True)
            for facet, value in set(entry.facets)
        ],
        batch_size=BATCH_SIZE,
    )
    words = [
        TitleWord(document=document, word=word, first=first, recency=recency)
        for document in documents
        for word, first, recency in TitleWord.rows_for(document)
    ]
    TitleWord.objects.bulk_create(words, batch_size=BATCH_SIZE)
    return _titles_per_word((word.document_id, word.word) for word in words)


def _titles_per_word(pairs):
    """Counter of words over (document id, word) pairs, each document counted once a word."""
    return Counter(word for _, word in set(pairs))


def _words_of(kind, ids):
    return _titles_per_word(
        TitleWord.objects.filter(document__kind=kind, document__object_id__in=ids).values_list(
            "document_id", "word"
        )
    )


VOCABULARY_UPSERT = (
    "INSERT INTO search_searchword (word, titles) VALUES (%s, %s) "
    "ON CONFLICT (word) DO UPDATE SET titles = search_searchword.titles + excluded.titles"
)
VOCABULARY_REBUILD = (
    "INSERT INTO search_searchword (word, titles) "
    "SELECT word, COUNT(DISTINCT document_id) FROM search_titleword GROUP BY word"
)


def _count_words(added, removed):
    """Move the vocabulary's counts by the titles written and deleted."""
    change = Counter(added)
    change.subtract(removed)
    rows = [(word, n) for word, n in sorted(change.items()) if n]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(VOCABULARY_UPSERT, rows)
    gone = [word for word, n in rows if n < 0]
    SearchWord.objects.filter(word__in=gone, titles__lte=0).delete()


def reindex(kind, ids):
    """Replace the documents of these objects; drafts and deleted objects simply drop out."""
    ids = list(ids)
    if not ids:
        return
    source = SOURCES[kind]
    with transaction.atomic():
        postgresql_swap.lock_for_writing(connection)
        objects = list(source.queryset().filter(pk__in=ids))
        regions = RegionTree()
        removed = _words_of(kind, ids)
        SearchDocument.objects.filter(kind=kind, object_id__in=ids).delete()
        _count_words(_store([source.entry(obj, regions) for obj in objects]), removed)


def remove(kind, ids):
    ids = list(ids)
    with transaction.atomic():
        postgresql_swap.lock_for_writing(connection)
        removed = _words_of(kind, ids)
        SearchDocument.objects.filter(kind=kind, object_id__in=ids).delete()
        _count_words({}, removed)


DOCUMENT_COLUMNS = [f for f in SearchDocument._meta.concrete_fields]
FACET_COLUMNS = [SearchFacet._meta.get_field(name) for name in ("document", "facet", "value")]
WORD_COLUMNS = [
    TitleWord._meta.get_field(name) for name in ("document", "word", "first", "recency")
]


def _insert(entries, first_id, swap=None):
    """Insert entries with ids from ``first_id``: three executemany() statements, or three
    COPYs into the tables of a PostgreSQL ``swap``.

    Only for a rebuild, into empty tables: numbering the documents here lets their facet rows
    go in at once, with no model instances and no RETURNING round trip.
    """
    ops = connection.ops
    documents, facets, words = [], [], []
    _pack_facet_keys(entries)
    for number, entry in enumerate(entries, start=first_id):
        entry.document.pk = number
        row = []
        for column in DOCUMENT_COLUMNS:
            value = getattr(entry.document, column.attname)
            if column.get_internal_type() == "DateTimeField":
                value = ops.adapt_datetimefield_value(value)
            row.append(value)
        documents.append(row)
        facets += [(number, facet, value) for facet, value in set(entry.facets)]
        words += [(number, *row) for row in TitleWord.rows_for(entry.document)]
    tables = (
        (SearchDocument, DOCUMENT_COLUMNS, documents),
        (SearchFacet, FACET_COLUMNS, facets),
        (TitleWord, WORD_COLUMNS, words),
    )
    for model, columns, rows in tables:
        if swap:
            swap.copy(model._meta.db_table, [c.column for c in columns], rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(_insert_sql(model, columns), rows)
    return first_id + len(documents)


def _insert_sql(model, columns):
    quote = connection.ops.quote_name
    names = ", ".join(quote(column.column) for column in columns)
    values = ", ".join(["%s"] * len(columns))
    # Names come from model metadata, never from input; values are parameters.
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({values})"  # noqa: S608


def _entries(source, regions):
    if hasattr(source, "entries"):
        yield from source.entries(regions, BULK_SIZE)
        return
    for obj in source.queryset().iterator(chunk_size=BATCH_SIZE):
        yield source.entry(obj, regions)


BULK_SIZE = 2000


def rebuild(progress=None):
    """Index every object again. Returns the number of documents."""
    sources = list(SOURCES.values())
    total = sum(source.queryset().count() for source in sources)
    sqlite = connection.vendor == "sqlite"
    swap = None
    with (
        transaction.atomic(),
        tqdm(total=total, unit="doc", disable=progress, desc="Indexing") as bar,
    ):
        if connection.vendor == "postgresql" and postgresql_swap.can_swap(connection):
            # Fresh tables, indexed at the end and swapped in (see postgresql_swap).
            swap = postgresql_swap.Swap(connection)
            swap.begin()
        else:
            if sqlite:
                # One 'rebuild' at the end is far faster than a trigger per row.
                sqlite_schema.drop_triggers(connection)
            _delete_all()
        regions = RegionTree()
        next_id = 1
        for source in sources:
            batch = []
            for entry in _entries(source, regions):
                batch.append(entry)
                if len(batch) >= BULK_SIZE:
                    next_id = _insert(batch, next_id, swap)
                    bar.update(len(batch))
                    batch = []
            next_id = _insert(batch, next_id, swap)
            bar.update(len(batch))
        if swap:
            swap.finish()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchword")
            cursor.execute(VOCABULARY_REBUILD)
            # Ids were given explicitly: the sequence must move past them (PostgreSQL).
            for sql in connection.ops.sequence_reset_sql(no_style(), [SearchDocument]):
                cursor.execute(sql)
            if not sqlite:
                # A status changed by a bulk update after its batch was read reached only the
                # old rows through the copy trigger (triggers.py), or waited on rows this
                # rebuild deleted. Now that the new rows are in place (and, after a swap, locked
                # against such writes until the commit) bring every copy up to date.
                cursor.execute(triggers.REFRESH)
        if sqlite:
            sqlite_schema.rebuild(connection)
    optimize()
    return total


def _delete_all():
    """Empty the tables. Plain statements: the ORM's delete() loads every document, text
    and all, to collect its facets."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (SearchFacet, TitleWord, SearchDocument):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def optimize():
    """Refresh planner statistics: without them SQLite joins the FTS matches through the wide
    document rows instead of the covering index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                # Flushes the GIN index's pending list, whose entries make searches after a
                # bulk load fetch and recheck rows the index itself would have excluded; and
                # sets the visibility maps, so suggestions and a tag's facet rows are read
                # from their indexes alone.
                for table in ("search_searchdocument", "search_searchfacet", "search_titleword"):
                    cursor.execute(f"VACUUM {table}")
                # Sets the visibility map of the content tables the visibility check reads, so
                # it scans the narrow publication_visibility index instead of the table.
                for table in VISIBILITY_TABLES:
                    cursor.execute(f"VACUUM {table}")
            # Everything: searches also check the content tables (visible_documents()).
            cursor.execute("ANALYZE")
