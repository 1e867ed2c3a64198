"""The full-text part of a search, per database: which documents match and how well.

Both return SQL over the document table (under its own name); the engine adds visibility, filters,
counts, facets and paging around it, the same way on both databases. Every value is a bound
parameter, and the parsed query only ever holds quoted word pieces (see query.py).
"""

from dataclasses import dataclass

from django.db.models.sql import Query

from .models import SearchDocument
from .query import ParsedQuery, to_fts5, to_postgres, to_postgres_rank

DOCUMENTS = SearchDocument._meta.db_table
# {D, C, B, A}: attached documents' text (D) counts half as much as the body (C).
WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"


@dataclass(frozen=True)
class Match:
    from_sql: str  # the FROM clause, with the document table under its own name
    where_sql: str
    params: tuple  # for from_sql then where_sql
    # SELECT id, score for the documents whose ids are in the CTE named "candidates"; smaller
    # is better, so both backends sort ascending. Run over a bounded set of documents only
    # (engine.RANKED): ranking was most of the cost of a query matching a third of the index.
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
    # after own_params) that match the query by their own fields, attached documents left out: a
    # publication outside it was found through its documents, and its hit says on which page.
    own_sql: str = ""
    own_params: tuple = ()


def sqlite_match(query: ParsedQuery, connection) -> Match:
    # bm25 weights per column: title 10, meta (summary, tags, authors, topics) 4, body 1.
    return Match(
        from_sql=(f"search_fts JOIN {DOCUMENTS} ON {DOCUMENTS}.id = search_fts.rowid"),
        where_sql="search_fts MATCH %s",
        params=(to_fts5(query),),
        # bm25 of the own fields only (search_own_fts, migration 0004): ranking the candidates
        # on search_fts matched a phrase again in every document holding its words, attached
        # reports and all. The same query again (bm25 only exists inside a full-text query),
        # ranking only the candidates; one its own fields do not match (found through its
        # documents) scores 0, after them. "+rowid" keeps FTS5 from being driven by the id
        # list, one look-up per id.
        rank_sql=(
            "SELECT c.id AS id, coalesce(f.score, 0) AS score FROM candidates c LEFT JOIN ("
            "SELECT search_own_fts.rowid AS id, "
            "bm25(search_own_fts, 10.0, 4.0, 1.0) AS score "
            "FROM search_own_fts WHERE search_own_fts MATCH %s "
            "AND +search_own_fts.rowid IN (SELECT id FROM candidates)) f ON f.id = c.id"
        ),
        rank_params=(to_fts5(query),),
        # The own fields' index (search_own_fts, migration 0004): a column filter on search_fts
        # compared positions in every document holding the words, attached documents and all
        # (up to 200 ms for a quoted phrase of common words).
        own_sql=(
            "SELECT rowid FROM search_own_fts WHERE search_own_fts MATCH %s AND rowid IN ({ids})"
        ),
        own_params=(to_fts5(query),),
    )


def postgresql_match(query: ParsedQuery, connection) -> Match:
    sql_query = Query(SearchDocument)
    compiler = sql_query.get_compiler(connection=connection)
    tsquery, params = compiler.compile(to_postgres(query).resolve_expression(sql_query))
    rank_query, rank_params = compiler.compile(
        to_postgres_rank(query).resolve_expression(sql_query)
    )
    # Weights are {D, C, B, A}: files (D) 0.5, body (C) 1, meta (B) 4, title (A) 10, as on
    # SQLite. Ranked by
    # the positive words ORed (see to_postgres_rank): the cost of ranking an AND query grows
    # with the product of the words' occurrences.
    return Match(
        from_sql=f"{DOCUMENTS} CROSS JOIN (SELECT {tsquery} AS q) s",
        where_sql=f"{DOCUMENTS}.search_vector @@ s.q",
        params=tuple(params),
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
        setup_sql=("SET LOCAL random_page_cost = 1.1", "SET LOCAL jit = off"),
        # Weights A to C are the item's own columns, D its attached documents.
        own_sql=(
            f"SELECT {DOCUMENTS}.id FROM {DOCUMENTS} "  # noqa: S608 (names are ours)
            f"CROSS JOIN (SELECT {tsquery} AS q) s WHERE {DOCUMENTS}.id IN ({{ids}}) "
            f"AND ts_filter({DOCUMENTS}.search_vector, '{{a,b,c}}') @@ s.q"
        ),
        own_params=tuple(params),
    )


BACKENDS = {"sqlite": sqlite_match, "postgresql": postgresql_match}


def match(query: ParsedQuery, connection) -> Match:
    try:
        backend = BACKENDS[connection.vendor]
    except KeyError:
        raise NotImplementedError(f"No search backend for {connection.vendor}") from None
    return backend(query, connection)
