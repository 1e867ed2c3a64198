"""The full-text part of a search, per database: which documents match and how well.

Both return SQL over the document table (under its own name); the engine adds visibility, filters,
counts, facets and paging around it, the same way on both databases. Every value is a bound
parameter, and the parsed query only ever holds quoted word pieces (see query.py).
"""

from dataclasses import dataclass

from django.db.models.sql import Query

from .models import SearchDocument, SearchPage
from .query import ParsedQuery, to_fts5, to_postgres, to_postgres_rank

DOCUMENTS = SearchDocument._meta.db_table
PAGES = SearchPage._meta.db_table
# {D, C, B, A}: D is unused (attached documents are indexed apart, in SearchPage).
WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"


@dataclass(frozen=True)
class Match:
    from_sql: str  # the FROM clause, with the document table under its own name
    # The documents whose own fields (title, meta, body) match the whole query.
    where_sql: str
    params: tuple  # for from_sql then where_sql
    # SELECT id, score for the documents whose ids are in the CTE named "candidates", every one
    # of them; smaller is better, so both backends sort ascending. Scored by the documents' own
    # fields only: one found only through its attached documents scores 0, after the others.
    # Run over a bounded set of documents only (engine.RANKED): ranking was most of the cost of
    # a query matching a third of the index.
    rank_sql: str
    rank_params: tuple
    setup_sql: tuple = ()  # run first, in the search's own transaction
    # A column carried from each match to the candidates and the sample as "row_address", for
    # rank_sql and sampled_documents_sql.
    row_address_sql: str = ""
    # FROM ... for the document rows of the facet sample (the CTE "s"), whose packed facet
    # values (SearchDocument.facet_keys) are counted in Python: one row per document instead
    # of its ten SearchFacet rows grouped in SQL. On SQLite the row is read from the covering
    # index search_document_match.
    sampled_documents_sql: str = f"s JOIN {DOCUMENTS} ON {DOCUMENTS}.id = s.id"
    # SELECT id of the documents among {ids} (replaced by placeholders for a few ids, bound
    # after own_params) that match the query by their own fields: a publication outside it was
    # found through its documents, and its hit says on which page.
    own_sql: str = ""
    own_params: tuple = ()
    # The publications found with the help of their attached documents' pages (SearchPage) and
    # not by their own fields alone: FROM (the document table under its own name) and WHERE.
    # Each group of the query (a word, a phrase, or words ORed) is found in the own fields or
    # on a page of an attached document; a phrase within one field or one page.
    pages_from_sql: str = DOCUMENTS
    pages_where_sql: str = ""
    pages_params: tuple = ()


def _single(term):
    return ParsedQuery(groups=((term,),))


def _groups(query):
    """Each group as a query of its own, every group's terms ORed, each excluded term."""
    groups = [ParsedQuery(groups=(group,)) for group in query.groups]
    anywhere = ParsedQuery(groups=(tuple(t for group in query.groups for t in group),))
    return groups, anywhere, [_single(term) for term in query.excluded]


def _pages_where(on_pages, in_own, groups, anywhere, excluded, empty=None, drive=None):
    """The pages branch from SQL makers: ``on_pages(q)`` (an id list of the publications a page
    of whose documents matches q), ``in_own(q)`` (a condition: the document's own fields do),
    ``empty(q)`` (a condition: q has no words to look for, as a group of stop words only is on
    PostgreSQL, which leaves them out of the whole query too), ``drive(ids)`` (the condition
    that the document is among the publications of an id list, as the branch is driven by)."""
    drive = drive or (lambda ids: f"{DOCUMENTS}.id IN ({ids})")
    where = [f"{DOCUMENTS}.kind = 'publication'", drive(on_pages(anywhere))]
    if len(groups) > 1:
        where += [
            f"({empty(g) + ' OR ' if empty else ''}"
            f"{DOCUMENTS}.id IN ({on_pages(g)}) OR {in_own(g)})"
            for g in groups
        ]
    for term in excluded:
        where += [f"NOT ({in_own(term)})", f"{DOCUMENTS}.id NOT IN ({on_pages(term)})"]
    return " AND ".join(where)


def sqlite_match(query: ParsedQuery, connection) -> Match:
    # bm25 weights per column: title 10, meta (summary, tags, authors, topics) 4, body 1.
    groups, anywhere, excluded = _groups(query)
    params = []

    def on_pages(q):
        params.append(to_fts5(q))
        # A page's id holds its document's (SearchPage.make_id): no look-up per page.
        return (
            f"SELECT search_page_fts.rowid >> {SearchPage.ID_BITS} FROM search_page_fts "  # noqa: S608
            "WHERE search_page_fts MATCH %s"
        )

    def in_own(q):
        params.append(to_fts5(q))
        return f"{DOCUMENTS}.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"  # noqa: S608

    pages_where = _pages_where(on_pages, in_own, groups, anywhere, excluded)
    pages_params = tuple(params)
    params.clear()
    own_where = " AND ".join(
        ["search_fts MATCH %s", *(f"{DOCUMENTS}.id NOT IN ({on_pages(t)})" for t in excluded)]
    )
    return Match(
        from_sql=(f"search_fts JOIN {DOCUMENTS} ON {DOCUMENTS}.id = search_fts.rowid"),
        where_sql=own_where,
        params=(to_fts5(query), *params),
        # The same MATCH again (bm25 only exists inside a full-text query), ranking only the
        # candidates. "+rowid" keeps FTS5 from being driven by the id list, one look-up per id.
        rank_sql=(
            "SELECT c.id AS id, coalesce(f.score, 0) AS score FROM candidates c LEFT JOIN ("
            "SELECT search_fts.rowid AS id, bm25(search_fts, 10.0, 4.0, 1.0) AS score "
            "FROM search_fts WHERE search_fts MATCH %s "
            "AND +search_fts.rowid IN (SELECT id FROM candidates)) f ON f.id = c.id"
        ),
        rank_params=(to_fts5(query),),
        own_sql="SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({ids})",
        own_params=(to_fts5(query),),
        pages_where_sql=pages_where,
        pages_params=pages_params,
    )


def postgresql_match(query: ParsedQuery, connection) -> Match:
    sql_query = Query(SearchDocument)
    compiler = sql_query.get_compiler(connection=connection)

    def compiled(q):
        return compiler.compile(to_postgres(q).resolve_expression(sql_query))

    tsquery, params = compiled(query)
    rank_query, rank_params = compiler.compile(
        to_postgres_rank(query).resolve_expression(sql_query)
    )
    groups, anywhere, excluded = _groups(query)
    # Each query written out where it is used (in the order of its parameters): a subquery that
    # refers to no outer row runs once, and the one that yields the publications with a page
    # that matches drives the branch through the primary key.
    pages_params = []

    def inline(q):
        sql, values = compiled(q)
        pages_params.extend(values)
        return sql

    def on_pages(q):
        return f"SELECT document_id FROM {PAGES} WHERE {PAGES}.search_vector @@ {inline(q)}"  # noqa: S608

    def in_own(q):
        # The GIN index's list, once: not each candidate's own vector read (16,000 for a word
        # on many pages).
        return (
            f"{DOCUMENTS}.id IN (SELECT own.id FROM {DOCUMENTS} own "  # noqa: S608
            f"WHERE own.search_vector @@ {inline(q)})"
        )

    def empty(q):
        return f"numnode({inline(q)}) = 0"

    def drive(ids):
        # An array from a subquery: one index scan of the primary key for the list (which
        # drops repeated ids), where "IN" filtered every publication row (300 ms). Not
        # DISTINCT: the planner then read every page in id order, vector and all.
        return f"{DOCUMENTS}.id = ANY(ARRAY({ids}))"

    pages_where = _pages_where(on_pages, in_own, groups, anywhere, excluded, empty, drive)
    own_params_start = len(pages_params)
    own_where = " AND ".join(
        [
            f"{DOCUMENTS}.search_vector @@ s.q",
            *(f"{DOCUMENTS}.id NOT IN ({on_pages(t)})" for t in excluded),
        ]
    )
    own_where_params = pages_params[own_params_start:]
    del pages_params[own_params_start:]
    # Weights are {D, C, B, A}: body (C) 1, meta (B) 4, title (A) 10, as on SQLite. Ranked by
    # the positive words ORed (see to_postgres_rank): the cost of ranking an AND query grows
    # with the product of the words' occurrences.
    return Match(
        from_sql=f"{DOCUMENTS} CROSS JOIN (SELECT {tsquery} AS q) s",
        where_sql=own_where,
        params=(*params, *own_where_params),
        # Names are ours; the ranked query is a bound parameter.
        rank_sql=(
            f"SELECT {DOCUMENTS}.id AS id, "  # noqa: S608
            f"-ts_rank('{WEIGHTS}'::float4[], {DOCUMENTS}.search_vector, s.r) AS score "
            f"FROM {DOCUMENTS} CROSS JOIN (SELECT {rank_query} AS r) s "
            f"WHERE {DOCUMENTS}.ctid = ANY(ARRAY(SELECT row_address FROM candidates))"
        ),
        rank_params=tuple(rank_params),
        # Each candidate's row is fetched by its physical address (a TID scan, one page read)
        # rather than through the primary key (four): the addresses come from the same
        # statement, so from the same snapshot, and name the very row versions it matched.
        row_address_sql=f"{DOCUMENTS}.ctid",
        # By address too, like the candidates.
        sampled_documents_sql=(
            f"{DOCUMENTS} WHERE {DOCUMENTS}.ctid "  # noqa: S608 (names are ours)
            "= ANY(ARRAY(SELECT row_address FROM s))"
        ),
        # The planner does not count the cost of reading each TOASTed tsvector, and with the
        # default random_page_cost it scans the whole table rather than use the GIN index.
        # JIT compiles the large-match plans for nothing: the time goes into reading and
        # ranking the vectors, not into evaluating expressions.
        setup_sql=(
            "SET LOCAL random_page_cost = 1.1",
            "SET LOCAL jit = off",
            "SET LOCAL enable_seqscan = off",
        ),
        own_sql=(
            f"SELECT {DOCUMENTS}.id FROM {DOCUMENTS} "  # noqa: S608 (names are ours)
            f"CROSS JOIN (SELECT {tsquery} AS q) s WHERE {DOCUMENTS}.id IN ({{ids}}) "
            f"AND {DOCUMENTS}.search_vector @@ s.q"
        ),
        own_params=tuple(params),
        pages_where_sql=pages_where,
        pages_params=tuple(pages_params),
    )


BACKENDS = {"sqlite": sqlite_match, "postgresql": postgresql_match}


def match(query: ParsedQuery, connection) -> Match:
    try:
        backend = BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No search backend for {connection.vendor}") from None
    return backend(query, connection)
