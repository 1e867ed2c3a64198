"""The one search API: ``search(query_text, filters, sort, page) -> SearchResults``.

A search runs one statement: it materialises the visible matches (no score), and returns from
them the exact total, the counts per kind/type/year and per facet value (over every k-th match
past FACET_SAMPLE matches) and the ids of the requested page, ranking at most RANKED candidates.
Two more queries fetch the facet labels (facets.py) and the page's documents.
"""

from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from policyhub.editorial import datacache

from . import backends
from .documents import content_visible_documents, found_in_documents, visible_documents
from .facets import FacetCounts, Filters, facet_groups
from .models import SearchDocument, SearchFacet, Synonym
from .query import ParsedQuery, parse_query
from .snippets import Highlighter, PageFinder

DOCUMENTS = SearchDocument._meta.db_table
SORTS = ("relevance", "date")
# Relevance order: the ranked candidates by score, then any older matches by date. Ties by
# date, newest first, then id.
RELEVANCE_ORDER = "part, score, published_at DESC NULLS LAST, id"
DATE_ORDER = "published_at DESC NULLS LAST, id DESC"
# Facet rows grow with the match set (about ten per document): past this many matches, the
# type, year, topic, region, tag and author counts are taken over every k-th match and scaled
# up, shown as approximate. The total and the counts per kind stay exact (a kind with a few
# matches among thousands must not drop out of the filters).
FACET_SAMPLE = 2000
# Relevance ranking reads each candidate's term positions and lengths (FTS5's bm25, PostgreSQL's
# ts_rank), most of the cost of a search on a common word. Past this many matches,
# only the newest RANKED are ranked (documents without a date, i.e. people, count as newest);
# older matches follow them by date. Totals, counts and date order are unaffected, and below
# this many matches nothing changes. Product reasoning in bench/README.md.
RANKED = 2000
FACET_FILTER_SQL = (
    "search_searchdocument.id IN "
    "(SELECT document_id FROM search_searchfacet WHERE facet = %s AND value IN ({values}))"
)
# Table names and clauses below are ours; every value is a bound parameter.
MATCHES_SQL = """
WITH m AS MATERIALIZED (
    SELECT {d}.id AS id, {d}.kind AS kind, {d}.type_id AS type_id, {d}.year AS year,
           {d}.published_at AS published_at{address}
    {matching}
),
sample AS MATERIALIZED (
    SELECT COUNT(*) AS total,
           CASE WHEN COUNT(*) > {sample} THEN (COUNT(*) + {sample} - 1) / {sample} ELSE 1 END
           AS stride
    FROM m
),
s AS MATERIALIZED (
    SELECT m.id, m.kind, m.type_id, m.year{sampled_address}
    FROM m, sample WHERE m.id %% sample.stride = 0
)"""
RANKING_SQL = """,
candidates AS MATERIALIZED (
    SELECT id, published_at{address} FROM m
    ORDER BY published_at IS NULL DESC, published_at DESC, id DESC LIMIT {ranked}
),
r AS MATERIALIZED ({rank})"""
COUNTS_SQL = """
SELECT 'total', NULL, CAST(NULL AS bigint), stride, total FROM sample
UNION ALL
SELECT 'kind', kind, NULL, NULL, COUNT(*) FROM m GROUP BY kind
UNION ALL
SELECT 'count', NULL, type_id, year, COUNT(*) FROM s GROUP BY type_id, year
UNION ALL
SELECT 'keys', {d}.facet_keys, NULL, NULL, NULL FROM {sampled_documents}
UNION ALL
SELECT 'page', NULL, id, ROW_NUMBER() OVER (ORDER BY {order}), NULL FROM (
    SELECT * FROM ({rows}) page_rows ORDER BY {order} LIMIT %s OFFSET %s
) page
"""
DATE_ROWS = "SELECT id, published_at FROM m"
# The matches left unranked are read only when the page reaches past the ranked ones.
RELEVANCE_ROWS = """
SELECT r.id AS id, 0 AS part, r.score AS score, c.published_at AS published_at
FROM r JOIN candidates c ON c.id = r.id
UNION ALL
SELECT id, 1, NULL, published_at FROM m
WHERE (SELECT COUNT(*) FROM candidates) < %s AND id NOT IN (SELECT id FROM candidates)
"""


@dataclass
class SearchResults:
    query: ParsedQuery
    total: int = 0
    page: object = None  # a django.core.paginator.Page of Hit, None for an empty query
    facets: list = field(default_factory=list)
    ranked_newest: int = 0  # relevance ranked the newest this many matches only (RANKED)

    @property
    def is_empty_query(self):
        return self.query.is_empty


@dataclass
class Hit:
    kind: str
    kind_label: str
    title: str  # safe HTML, terms marked
    snippet: str  # safe HTML, terms marked
    url: str
    date: object
    type_name: str = ""
    # For a publication found by the text of an attached document: which one, which page.
    found_in: object = None


class _FetchedPage:
    """What Paginator needs: the total, and the one slice that was already fetched."""

    def __init__(self, total, offset, hits):
        self.total, self.offset, self.hits = total, offset, hits

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, bounds):
        assert bounds.start == self.offset, "only the fetched page can be read"
        return self.hits[: bounds.stop - bounds.start]


# Compiling visible_documents() through the ORM is a noticeable part of every search, and its
# SQL is the same for every moment: compiled once per database, the moment put in each time.
_COMPILE_MOMENT = datetime(1970, 1, 1, 0, 0, 0, 123457, tzinfo=UTC)
_compiled_visibility = {}


def visibility_sql(now):
    """The WHERE clause of visible_documents(), as SQL over the document table."""
    adapt = connection.ops.adapt_datetimefield_value
    key = (connection.alias, connection.vendor)
    if key not in _compiled_visibility:
        query = visible_documents(_COMPILE_MOMENT).query
        sql, params = query.get_compiler(connection=connection).compile(query.where)
        moment = adapt(_COMPILE_MOMENT)
        _compiled_visibility[key] = (
            sql,
            tuple(params),
            {i for i, p in enumerate(params) if p == moment},
        )
    sql, params, moments = _compiled_visibility[key]
    at = adapt(now)
    return sql, [at if i in moments else p for i, p in enumerate(params)]


def _matching(match, filters, now):
    """FROM ... WHERE ... for the visible documents that match the query and the filters."""
    visible_sql, visible_params = visibility_sql(now)
    where, params = [match.where_sql, visible_sql], [*match.params, *visible_params]
    for column, value in (("kind", filters.kind), ("year", filters.year)):
        if value:
            where.append(f"{DOCUMENTS}.{column} = %s")
            params.append(value)
    if filters.type:
        where.append(f"{DOCUMENTS}.type_id IN ({', '.join(['%s'] * len(filters.type))})")
        params += filters.type
    for facet, values in filters.facet_values():
        where.append(FACET_FILTER_SQL.format(values=", ".join(["%s"] * len(values))))
        params += [facet, *values]
    return f"FROM {match.from_sql} WHERE {' AND '.join(where)}", params


def _run(match, matching, params, sort, offset, limit):
    """Counts (FacetCounts) and the ids of one page, in page order."""
    relevance = sort == "relevance"
    address = f", {match.row_address_sql} AS row_address" if match.row_address_sql else ""
    sql = MATCHES_SQL.format(
        d=DOCUMENTS,
        matching=matching,
        sample=FACET_SAMPLE,
        address=address,
        sampled_address=", m.row_address" if match.row_address_sql else "",
    )
    if relevance:
        address = ", row_address" if match.row_address_sql else ""
        sql += RANKING_SQL.format(ranked=RANKED, rank=match.rank_sql, address=address)
        params = [*params, *match.rank_params]
    order, rows = (RELEVANCE_ORDER, RELEVANCE_ROWS) if relevance else (DATE_ORDER, DATE_ROWS)
    sql += COUNTS_SQL.format(
        order=order, rows=rows, d=DOCUMENTS, sampled_documents=match.sampled_documents_sql
    )
    page_params = [offset + limit] if relevance else []
    with connection.cursor() as cursor:
        for statement in match.setup_sql:
            cursor.execute(statement)
        cursor.execute(sql, [*params, *page_params, limit, offset])
        rows = cursor.fetchall()
    counts, page, keys = FacetCounts(), [], Counter()
    total, stride = next((count, extra) for part, _, _, extra, count in rows if part == "total")
    counts.approximate = stride > 1
    for part, name, value, extra, count in rows:
        if part == "kind":
            counts.kinds[name] += count
        elif part == "count":
            counts.add_document_row(value, extra, count * stride)
        elif part == "keys" and name:
            keys.update(name.split())
        elif part == "page":
            page.append((extra, value))
    for key, count in keys.items():
        counts.add_facet_row(*SearchFacet.unpack_key(key), count * stride)
    counts.total = total  # exact; the sampled rows only sum to about this
    return counts, [pk for _, pk in sorted(page)]


def _matched_by_own_fields(match, ids):
    """The ids, of these few documents, that the query matches without their attachments."""
    if not ids:
        return set()
    sql = match.own_sql.replace("{ids}", ", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match.own_params, *ids])
        return {pk for (pk,) in cursor.fetchall()}


def _hits(ids, query, match, highlighter, type_names, now):
    # Checked against the content tables once more, for these few documents only: the match
    # set relies on the trigger-kept status copy, and a draft must not appear even if a
    # trigger went missing (triggers.py).
    documents = (
        content_visible_documents(now)
        .defer("meta", "files")
        .annotate(has_files=ExpressionWrapper(Q(files__isnull=False), BooleanField()))
        .in_bulk(ids)
    )
    kinds = dict(SearchDocument.Kind.choices)
    hits = [
        Hit(
            kind=doc.kind,
            kind_label=kinds.get(doc.kind, doc.kind),
            title=highlighter.highlight(doc.title),
            snippet=highlighter.snippet(doc.summary, doc.body),
            url=doc.url,
            date=doc.published_at,
            type_name=type_names.get(doc.type_id, ""),
        )
        for doc in (documents[pk] for pk in ids if pk in documents)
    ]
    # A publication its own fields do not match was found through its attached documents: say
    # where. The visibility check above covers its documents, which readers see through it.
    with_files = [pk for pk in ids if pk in documents and documents[pk].has_files]
    own = _matched_by_own_fields(match, with_files)
    by_documents = {
        documents[pk].object_id: hit
        for pk, hit in zip((pk for pk in ids if pk in documents), hits, strict=True)
        if documents[pk].has_files and pk not in own
    }
    if by_documents:
        finder = PageFinder(query, highlighter)
        for publication_id, found in found_in_documents(by_documents, finder, highlighter).items():
            by_documents[publication_id].found_in = found
    return hits


def _cache_name(match, filters, sort, offset, limit):
    # The match's parameters are the parsed query, synonyms included, as the database gets it.
    return (
        f"search:{connection.vendor}:{match.params!r}:{match.rank_params!r}:{filters!r}:"
        f"{sort}:{offset}:{limit}:{RANKED}:{FACET_SAMPLE}"
    )


def count(query_text, filters=None, at_most=1):
    """How many visible documents the search finds, counting no further than ``at_most``:
    "would this spelling find more?" without ranking, facets or hits."""
    query = parse_query(query_text, Synonym.objects.groups())
    if query.is_empty:
        return 0
    match = backends.match(query, connection)
    matching, params = _matching(match, filters or Filters(), timezone.now())
    with transaction.atomic() if match.setup_sql else nullcontext(), connection.cursor() as cursor:
        for statement in match.setup_sql:
            cursor.execute(statement)
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 {matching} LIMIT %s) AS found",  # noqa: S608
            [*params, at_most],
        )
        return cursor.fetchone()[0]


def search(query_text, filters=None, sort="relevance", page=1, per_page=None):
    """Run a reader's search. Raises django.core.paginator.InvalidPage for a page out of range."""
    query = parse_query(query_text, Synonym.objects.groups())
    results = SearchResults(query=query)
    if query.is_empty:
        return results
    filters = filters or Filters()
    per_page = per_page or settings.PAGE_SIZE
    sort = sort if sort in SORTS else "relevance"
    number = page if isinstance(page, int) and page > 0 else 1
    match = backends.match(query, connection)
    now = timezone.now()
    offset = (number - 1) * per_page

    def remembered(filters, offset):
        def run():
            matching, params = _matching(match, filters, now)
            # A transaction only where a backend needs session settings: on SQLite it would be
            # an IMMEDIATE one, taking the write lock for a read.
            with transaction.atomic() if match.setup_sql else nullcontext():
                return _run(match, matching, params, sort, offset, per_page)

        # The statement is most of a search's cost (bench/README.md), and its answer changes
        # only with the content: kept under the content generation like the list's counts, so a
        # repeated query, or another server answering it, reads counts and page ids from the
        # cache. The hits themselves are loaded and checked for visibility every time (_hits).
        return datacache.remember(_cache_name(match, filters, sort, offset, per_page), run)

    counts, ids = remembered(filters, offset)
    # A filter with values chosen counts its values with itself off (any of them matches, so
    # each shows what adding it finds): one more statement per such filter, the same as the
    # first page of that wider search, whose cache entry it shares.
    own_counts = {
        name: remembered(filters.without(name), 0)[0] for name in filters.chosen_multiple()
    }
    results.total = counts.total
    results.ranked_newest = RANKED if sort == "relevance" and counts.total > RANKED else 0
    results.facets, type_names = facet_groups(counts, filters, own_counts)
    highlighter = Highlighter(query.highlight_terms())
    hits = _hits(ids, query, match, highlighter, type_names, now)
    paginator = Paginator(_FetchedPage(counts.total, offset, hits), per_page)
    results.page = paginator.page(page)  # validates: InvalidPage past the end
    return results
