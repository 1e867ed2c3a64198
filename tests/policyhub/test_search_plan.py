"""The search statement reads narrow indexes per match, not the wide rows (bench/README.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policyhub.search import search
from policyhub.search.indexing import optimize
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


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
    # Publications' visibility is read from the status copy in that index, not looked up.
    assert "publications_publication" not in sql


def test_hinted_statement_still_hides_drafts_and_scheduled_items():
    PublicationFactory(title="Grain corridor talks")
    PublicationFactory(title="Grain corridor draft", draft=True)
    PublicationFactory(title="Grain corridor scheduled", scheduled=True)
    results = search("grain corridor")
    assert results.total == 1
    assert [hit.title.count("<mark>") for hit in results.page] == [2]
    assert "talks" in results.page[0].title


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL storage")
def test_postgresql_keeps_the_search_vector_in_the_row():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'policyhub_searchdocument'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)
    PublicationFactory(title="Grain corridor talks", body="<p>" + "harvest " * 400 + "</p>")
    assert search("harvest grain").total == 1
