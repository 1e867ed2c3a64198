"""The one search API: ``search(query_text, filters, sort, page) -> SearchResults``.

A search reads the full-text index once: one statement materialises the visible matches with
their score, and returns from them the counts per kind/type/year (and so the total), the counts
per facet value and the ids of the requested page. Two more queries fetch the facet labels
(facets.py) and the page's documents. Nothing grows with the number of results.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils import timezone

from ..models import SearchDocument, Synonym
from . import backends
from .documents import visible_documents
from .facets import FacetCounts, Filters, facet_groups
from .query import ParsedQuery, parse_query
from .snippets import Highlighter

DOCUMENTS = SearchDocument._meta.db_table
SORTS = ("relevance", "date")
ORDER = {
    "relevance": "score, published_at DESC NULLS LAST, id",
    "date": "published_at DESC NULLS LAST, id DESC",
}
# Facet rows grow with the match set (about ten per document): past this many matches, the
# topic/region/tag/author counts are taken over every k-th match and scaled up (shown as
# approximate). Totals and kind/type/year counts stay exact.
FACET_SAMPLE = 5000
FACET_FILTER_SQL = (
    "policyhub_searchdocument.id IN "
    "(SELECT document_id FROM policyhub_searchfacet WHERE facet = %s AND value = %s)"
)
# Table names and clauses below are ours; every value is a bound parameter.
SEARCH_SQL = """
WITH m AS MATERIALIZED (
    SELECT {d}.id AS id, {d}.kind AS kind, {d}.type_id AS type_id, {d}.year AS year,
           {d}.published_at AS published_at, {rank} AS score
    {matching}
),
sample AS (
    SELECT CASE WHEN COUNT(*) > {sample} THEN (COUNT(*) + {sample} - 1) / {sample} ELSE 1 END
           AS stride
    FROM m
)
SELECT 'count', kind, type_id, year, COUNT(*) FROM m GROUP BY kind, type_id, year
UNION ALL
SELECT 'facet', f.facet, f.value, NULL, COUNT(*) FROM policyhub_searchfacet f
WHERE f.document_id IN (SELECT m.id FROM m, sample WHERE m.id %% sample.stride = 0)
GROUP BY f.facet, f.value
UNION ALL
SELECT 'page', NULL, id, ROW_NUMBER() OVER (ORDER BY {order}), NULL FROM (
    SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s
) page
"""


@dataclass
class SearchResults:
    query: ParsedQuery
    total: int = 0
    page: object = None  # a django.core.paginator.Page of Hit, None for an empty query
    facets: list = field(default_factory=list)

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


# SQLite looks a publication up by its integer primary key, which reads the wide row's table
# page for every match (200-400 ms for 50,000 matches); the narrow covering index
# publication_visibility answers the same status/time test from a few cached pages (~80 ms).
# Only a planner hint: if the ORM ever names the table differently, nothing is replaced.
SQLITE_INDEX_HINTS = (
    (
        'FROM "publications_publication" U0 ',
        'FROM "publications_publication" U0 INDEXED BY publication_visibility ',
    ),
)


def _visibility_sql(now):
    """The WHERE clause of visible_documents(), as SQL over the document table."""
    query = visible_documents(now).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    if connection.vendor == "sqlite":
        for plain, hinted in SQLITE_INDEX_HINTS:
            sql = sql.replace(plain, hinted, 1)
    return sql, params


def _matching(match, filters, now):
    """FROM ... WHERE ... for the visible documents that match the query and the filters."""
    visible_sql, visible_params = _visibility_sql(now)
    where, params = [match.where_sql, visible_sql], [*match.params, *visible_params]
    for column, value in (
        ("kind", filters.kind),
        ("type_id", filters.type),
        ("year", filters.year),
    ):
        if value:
            where.append(f"{DOCUMENTS}.{column} = %s")
            params.append(value)
    for facet, value in filters.facet_values():
        where.append(FACET_FILTER_SQL)
        params += [facet, value]
    return f"FROM {match.from_sql} WHERE {' AND '.join(where)}", params


def _run(match, matching, params, sort, offset, limit):
    """Counts (FacetCounts) and the ids of one page, in page order."""
    sql = SEARCH_SQL.format(
        d=DOCUMENTS,
        rank=match.rank_sql,
        matching=matching,
        sample=FACET_SAMPLE,
        order=ORDER[sort],
    )
    with connection.cursor() as cursor:
        for statement in match.setup_sql:
            cursor.execute(statement)
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    counts, page = FacetCounts(), []
    for part, name, value, extra, count in rows:
        if part == "count":
            counts.add_document_row(name, value, extra, count)
    stride = -(-counts.total // FACET_SAMPLE) if counts.total > FACET_SAMPLE else 1
    counts.approximate = stride > 1
    for part, name, value, extra, count in rows:
        if part == "facet":
            counts.add_facet_row(name, value, count * stride)
        elif part == "page":
            page.append((extra, value))
    return counts, [pk for _, pk in sorted(page)]


def _hits(ids, highlighter, type_names):
    documents = SearchDocument.objects.defer("meta").in_bulk(ids)
    kinds = dict(SearchDocument.Kind.choices)
    return [
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


def search(query_text, filters=None, sort="relevance", page=1, per_page=None):
    """Run a reader's search. Raises django.core.paginator.InvalidPage for a page out of range."""
    query = parse_query(query_text, Synonym.objects.groups())
    results = SearchResults(query=query)
    if query.is_empty:
        return results
    filters = filters or Filters()
    per_page = per_page or settings.PAGE_SIZE
    sort = sort if sort in ORDER else "relevance"
    number = page if isinstance(page, int) and page > 0 else 1
    match = backends.match(query, connection)
    matching, params = _matching(match, filters, timezone.now())
    # A transaction only where a backend needs session settings: on SQLite it would be an
    # IMMEDIATE one, taking the write lock for a read.
    with transaction.atomic() if match.setup_sql else nullcontext():
        offset = (number - 1) * per_page
        counts, ids = _run(match, matching, params, sort, offset, per_page)
    results.total = counts.total
    results.facets, type_names = facet_groups(counts, filters)
    hits = _hits(ids, Highlighter(query.highlight_terms()), type_names)
    paginator = Paginator(_FetchedPage(counts.total, offset, hits), per_page)
    results.page = paginator.page(page)  # validates: InvalidPage past the end
    return results
