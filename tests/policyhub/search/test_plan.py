"""The search statement reads narrow indexes per match, not the wide rows (bench/README.md)."""

import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from policyhub.search import search
from policyhub.search.indexing import optimize, rebuild
from tests.factories import PublicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.infrastructure]


def search_statement(query):
    with CaptureQueriesContext(connection) as captured:
        search(query)
    return next(q["sql"] for q in captured.captured_queries if "MATERIALIZED" in q["sql"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plan")
def test_sqlite_plan_uses_the_covering_indexes():
    PublicationFactory.create_batch(3, title="Grain corridor talks")
    PublicationFactory(title="Grain corridor draft", draft=True)
    optimize()  # as rebuild_search_index does: the planner picks indexes from statistics
    sql = search_statement("grain corridor")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "COVERING INDEX search_document_match" in plan
    # Publications' visibility is read from the status copy in that index, not looked up: the
    # one lookup is people's (a published byline); facets are counted from the packed values
    # in that index too.
    assert sql.count('"publications_publication"') == 1
    assert "publications_person" not in sql
    assert "search_searchfacet" not in sql


def test_hinted_statement_still_hides_drafts_and_scheduled_items():
    PublicationFactory(title="Grain corridor talks")
    PublicationFactory(title="Grain corridor draft", draft=True)
    PublicationFactory(title="Grain corridor scheduled", scheduled=True)
    results = search("grain corridor")
    assert results.total == 1
    assert [hit.title.count("<mark>") for hit in results.page] == [2]
    assert "talks" in results.page[0].title


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage")
def test_postgresql_stores_the_search_vector_out_of_line():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'search_searchdocument'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("e",)
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = 'search_searchdocument'::regclass"
        )
        assert cursor.fetchone() == (["toast_tuple_target=128"],)


def heap_pages():
    """Heap pages holding the documents (the file may also hold rolled-back rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT (ctid::text::point)[0]) FROM search_searchdocument")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage")
def test_postgresql_document_rows_stay_narrow():
    # 40 documents of ~4 kB (vector and body): inline they need at least 20 heap pages; out of
    # line ~11 kB in all, in one or two pages (a few more if they land in pages with free space
    # left by other tests' rolled-back rows).
    letters = random.Random(1)
    words = ["".join(letters.choices("bcdfghklmnprstvz", k=9)) for _ in range(400)]
    body = f"<p>harvest {' '.join(words)}</p>"
    PublicationFactory.create_batch(40, title="Grain corridor talks", body=body)
    assert heap_pages() < 10
    rebuild()  # the rebuild's own inserts too
    assert heap_pages() < 10
    # Matching and ranking still read the vectors.
    results = search("harvest grain")
    assert results.total == 40
    assert "<mark>" in results.page[0].title


def index_names():
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(
                cursor, "search_searchdocument"
            ).items()
            if info["index"]
        }


def test_facets_are_counted_from_the_packed_values_without_a_filter():
    PublicationFactory.create_batch(2, title="Grain corridor talks", tags=["sanctions"])
    assert "search_searchfacet" not in search_statement("grain corridor")


def test_covering_index_only_where_the_search_reads_it():
    # SQLite reads every match through it; on PostgreSQL it only drew the planner into
    # scanning it whole for the visibility test (search migration 0002).
    assert ("search_document_match" in index_names()) is (connection.vendor == "sqlite")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plan")
def test_postgresql_ranks_candidates_by_row_address():
    PublicationFactory.create_batch(3, title="Grain corridor talks")
    sql = search_statement("grain corridor")
    with connection.cursor() as cursor:
        # Three rows are cheapest to scan whole; at scale, as here, the planner must find a
        # path to the rows by address (a plan with the bench database: bench/README.md).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Two: the ranked candidates and the sampled documents' packed facet values.
    assert plan.count("Tid Scan on search_searchdocument") == 2
    assert "BitmapAnd" not in plan
    # The address is only a way to the row: the ranking is over the matches themselves.
    results = search("grain corridor")
    assert results.total == 3
    assert all("<mark>" in hit.title for hit in results.page)


def test_suggestions_read_the_title_word_index_in_order():
    """However common the prefix, a suggestion reads a dozen rows of one index range in the
    order shown: no sort of every match, no scan of the documents."""
    from policyhub.search.suggest import suggestions

    PublicationFactory.create_batch(3, title="Grain corridor talks")
    with CaptureQueriesContext(connection) as captured:
        assert len(suggestions("corr")) == 3
    sql = next(q["sql"] for q in captured.captured_queries if "search_titleword" in q["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            assert "SEARCH search_titleword USING COVERING INDEX search_title_word_order" in plan
            assert "TEMP B-TREE" not in plan
        else:
            # Three rows: the planner would rightly read the table or sort a bitmap's rows;
            # can the index serve the order?
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "search_title_word_order" in plan
            assert "Sort" not in plan
        assert "SCAN search_searchdocument\n" not in plan + "\n"
