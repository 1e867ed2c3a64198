"""PostgreSQL rebuilds the index into fresh tables and swaps them in (search/postgresql_swap.py):
the swapped-in tables must be the same tables, and a rebuild must not block or mislead readers
nor lose a save made while it runs."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from policyhub.search import postgresql_swap, search
from policyhub.search.models import SearchDocument, SearchFacet
from publications.models import Publication
from tests.factories import PublicationFactory, TopicFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL rebuild (run with DATABASE_URL)"
    ),
    pytest.mark.infrastructure,
]
TABLES = (SearchDocument._meta.db_table, SearchFacet._meta.db_table)


def titles(query):
    return sorted(
        hit.title.replace("<mark>", "").replace("</mark>", "") for hit in search(query).page
    )


def schema():
    """Everything about the two tables that a rebuild must give back unchanged."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%s) ORDER BY indexname",
            [list(TABLES)],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) ORDER BY conname",
            [list(TABLES)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT attrelid::regclass::text, attname, atttypid, attstorage, attgenerated, "
            "attidentity, attnotnull FROM pg_attribute "
            "WHERE attrelid = ANY(%s::regclass[]) AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attrelid::regclass::text, attnum",
            [list(TABLES)],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_serial_sequence(t, 'id') FROM unnest(%s::text[]) t", [list(TABLES)]
        )
        sequences = cursor.fetchall()
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname",
            [list(TABLES)],
        )
        options = cursor.fetchall()
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE '%%rebuild%%'")
        leftovers = cursor.fetchall()
    return indexes, constraints, columns, sequences, options, leftovers


@pytest.fixture
def paused_swap(monkeypatch):
    """A rebuild that stops before its swap: ``paused`` is set when it gets there, and it goes on
    once the test sets ``resume``."""
    paused, resume = threading.Event(), threading.Event()
    finish = postgresql_swap.Swap.finish

    def finish_later(swap):
        paused.set()
        assert resume.wait(30)
        finish(swap)

    monkeypatch.setattr(postgresql_swap.Swap, "finish", finish_later)
    return paused, resume


@pytest.mark.django_db
def test_rebuild_gives_back_the_same_tables_with_their_index():
    PublicationFactory(title="Grain corridor talks", tags=["grain"], topics=[TopicFactory()])
    PublicationFactory(title="Grain draft", draft=True)
    before, facets = schema(), SearchFacet.objects.count()
    assert facets
    assert any(name == "search_document_vector" for _, name, _ in before[0])
    # The migrations' storage settings: the vector's column storage, the table's options.
    assert [column[3] for column in before[2] if column[1] == "search_vector"] == ["e"]
    assert ("search_searchdocument", ["toast_tuple_target=128"]) in before[4]
    call_command("rebuild_search_index", "--no-progress")
    assert schema() == before
    assert titles("grain corridor") == ["Grain corridor talks"]
    assert SearchFacet.objects.count() == facets
    # The document id sequence moved past the rebuilt ids, and saves index into the new tables.
    PublicationFactory(title="Grain silo")
    assert titles("grain") == ["Grain corridor talks", "Grain silo"]


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_neither_blocks_readers_nor_loses_a_save(paused_swap):
    PublicationFactory(title="Harvest old")
    lost = PublicationFactory(title="Harvest lost")
    # The index lost a document: the rebuild will bring it back.
    SearchDocument.objects.filter(object_id=lost.pk, kind="publication").delete()
    assert titles("harvest") == ["Harvest old"]

    paused, resume = paused_swap
    errors = []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as error:  # reported by the test below
                errors.append(error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    rebuild = in_thread(lambda: call_command("rebuild_search_index", "--no-progress"))
    try:
        assert paused.wait(30)
        # A reader during the rebuild: not blocked (it would fail on the lock timeout), and it
        # reads the old index.
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        try:
            assert titles("harvest") == ["Harvest old"]
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        # A save during the rebuild waits for it, then indexes into the new tables.
        save = in_thread(lambda: PublicationFactory(title="Harvest new"))
        save.join(1)
        assert save.is_alive()
    finally:
        resume.set()
        rebuild.join(60)
    save.join(60)
    assert not errors
    assert titles("harvest") == ["Harvest lost", "Harvest new", "Harvest old"]


@pytest.mark.django_db(transaction=True)
def test_the_swap_waits_for_a_reader_holding_the_index_tables():
    PublicationFactory(title="Orchard")
    other = connections.create_connection("default")
    try:
        other.connect()
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT count(*) FROM search_searchdocument")
        done = threading.Event()

        def rebuild():
            try:
                call_command("rebuild_search_index", "--no-progress")
            finally:
                connections.close_all()
                done.set()

        thread = threading.Thread(target=rebuild)
        thread.start()
        # The swap keeps retrying its lock while the reader's transaction is open...
        assert not done.wait(3)
        with other.cursor() as cursor:
            cursor.execute("COMMIT")
        # ...and completes once it is gone.
        assert done.wait(30)
        thread.join()
    finally:
        other.close()
    assert titles("orchard") == ["Orchard"]


@pytest.mark.django_db
def test_tables_with_triggers_of_their_own_are_rebuilt_in_place():
    """``CREATE TABLE ... LIKE`` copies no triggers: the swap would silently lose them."""
    PublicationFactory(title="Orchard")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_scale_noop() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER pg_scale_noop BEFORE INSERT ON search_searchdocument "
            "FOR EACH ROW EXECUTE FUNCTION pg_scale_noop()"
        )
    assert not postgresql_swap.can_swap(connection)
    call_command("rebuild_search_index", "--no-progress")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = 'pg_scale_noop'")
        assert cursor.fetchall() == [("pg_scale_noop",)]
    assert titles("orchard") == ["Orchard"]


@pytest.mark.django_db
def test_a_role_that_does_not_own_the_tables_rebuilds_in_place():
    """An application role with privileges on tables that another role owns cannot drop them."""
    PublicationFactory(title="Orchard")
    role = "policyhub_rebuild_test_app"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        for privileges, objects in (
            ("SELECT, INSERT, UPDATE, DELETE", "TABLES"),
            ("USAGE, SELECT, UPDATE", "SEQUENCES"),
        ):
            cursor.execute(f"GRANT {privileges} ON ALL {objects} IN SCHEMA public TO {role}")
        cursor.execute(f"SET ROLE {role}")
    try:
        assert not postgresql_swap.can_swap(connection)
        call_command("rebuild_search_index", "--no-progress")
        assert titles("orchard") == ["Orchard"]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert postgresql_swap.can_swap(connection)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_unpublish_during_a_rebuild_reaches_the_new_index(paused_swap):
    """A bulk update sends no signal: the copy trigger wrote to the old table, which the swap
    drops. The rebuild refreshes the copies before it commits."""
    publication = PublicationFactory(title="Harvest")
    paused, resume = paused_swap
    errors = []

    def rebuild():
        try:
            call_command("rebuild_search_index", "--no-progress")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=rebuild)
    thread.start()
    try:
        assert paused.wait(30)
        Publication.objects.filter(pk=publication.pk).update(status=Publication.Status.UNPUBLISHED)
    finally:
        resume.set()
        thread.join(60)
    assert not errors
    document = SearchDocument.objects.get(kind="publication", object_id=publication.pk)
    assert document.status == Publication.Status.UNPUBLISHED
    assert search("harvest").total == 0
