"""The one search API: ``search(query_text, filters, sort, page) -> SearchResults``.

A search is four queries whatever the number of results: counts per kind/type/year (which
also give the total), counts per facet value, the labels of those values (facets.py) and one
page of documents. Only documents whose publish time has passed are ever counted or returned.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils import timezone

from ..models import SearchDocument, SearchFacet, Synonym
from . import backends
from .facets import FacetCounts, Filters, facet_groups
from .query import ParsedQuery, parse_query
from .snippets import Highlighter

DOCUMENTS = SearchDocument._meta.db_table
FACETS = SearchFacet._meta.db_table
SORTS = ("relevance", "date")
FACET_SAMPLE = 5000  # documents; facet counts over larger match sets are sampled
FACET_FILTER_SQL = (
    "d.id IN (SELECT document_id FROM policyhub_searchfacet WHERE facet = %s AND value = %s)"
)
PAGE_COLUMNS = (
    "d.id, d.kind, d.object_id, d.title, d.summary, d.body, d.url, d.published_at, d.type_id"
)


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


class _LazyHits:
    """What Paginator needs: a known count, and one SQL query for the slice it asks for."""

    def __init__(self, total, fetch):
        self.total, self.fetch = total, fetch

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, bounds):
        limit = bounds.stop - bounds.start
        return self.fetch(bounds.start, limit) if limit > 0 else []


def _matching(match, filters, now):
    """FROM ... WHERE ... for the visible documents that match the query and the filters."""
    where = [match.where_sql, "(d.published_at <= %s OR d.published_at IS NULL)"]
    params = [*match.params, connection.ops.adapt_datetimefield_value(now)]
    for column, value in (
        ("kind", filters.kind),
        ("type_id", filters.type),
        ("year", filters.year),
    ):
        if value:
            where.append(f"d.{column} = %s")
            params.append(value)
    for facet, value in filters.facet_values():
        where.append(FACET_FILTER_SQL)
        params += [facet, value]
    return f"FROM {match.from_sql} WHERE {' AND '.join(where)}", params


def _counts(base_sql, params, match):
    counts = FacetCounts()
    with connection.cursor() as cursor:
        # Table names and clauses are ours; every value is a bound parameter.
        cursor.execute(
            f"SELECT d.kind, d.type_id, d.year, COUNT(*) {base_sql} GROUP BY 1, 2, 3",
            params,
        )
        for kind, type_id, year, count in cursor.fetchall():
            counts.add_document_row(kind, type_id, year, count)
        if not counts.total:
            return counts
        # Facet rows grow with the match set: past a limit, count every k-th document and
        # scale up (shown as approximate), so a very common word stays fast.
        stride = -(-counts.total // FACET_SAMPLE) if counts.total > FACET_SAMPLE else 1
        sample_sql = f" AND {match.sample_column} %% {stride} = 0" if stride > 1 else ""
        cursor.execute(
            f"SELECT f.facet, f.value, COUNT(*) FROM {FACETS} f "  # noqa: S608
            f"WHERE f.document_id IN (SELECT d.id {base_sql}{sample_sql}) "
            "GROUP BY f.facet, f.value",
            params,
        )
        for facet, value, count in cursor.fetchall():
            counts.add_facet_row(facet, value, count * stride)
        counts.approximate = stride > 1
    return counts


def _page_fetcher(base_sql, params, match, sort, highlighter, type_names):
    if sort == "date":
        order = "d.published_at DESC NULLS LAST, d.id DESC"
    else:
        order = "score, d.published_at DESC NULLS LAST, d.id"
    kinds = dict(SearchDocument.Kind.choices)

    def fetch(offset, limit):
        sql = (
            f"SELECT {PAGE_COLUMNS}, {match.rank_sql} AS score {base_sql} "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
        documents = SearchDocument.objects.raw(sql, [*params, limit, offset])
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
            for doc in documents
        ]

    return fetch


def search(query_text, filters=None, sort="relevance", page=1, per_page=None):
    """Run a reader's search. Raises django.core.paginator.InvalidPage for a page out of range."""
    query = parse_query(query_text, Synonym.objects.groups())
    results = SearchResults(query=query)
    if query.is_empty:
        return results
    filters = filters or Filters()
    match = backends.match(query, connection)
    base_sql, params = _matching(match, filters, timezone.now())
    # Only where a backend needs session settings: on SQLite a transaction here would be an
    # IMMEDIATE one, taking the write lock for a read.
    with transaction.atomic() if match.setup_sql else nullcontext():
        if match.setup_sql:
            with connection.cursor() as cursor:
                for statement in match.setup_sql:
                    cursor.execute(statement)
        counts = _counts(base_sql, params, match)
        results.total = counts.total
        results.facets, type_names = facet_groups(counts, filters)
        highlighter = Highlighter(query.highlight_terms())
        fetch = _page_fetcher(base_sql, params, match, sort, highlighter, type_names)
        paginator = Paginator(_LazyHits(counts.total, fetch), per_page or settings.PAGE_SIZE)
        results.page = paginator.page(page)
    return results
