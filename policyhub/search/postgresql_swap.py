"""PostgreSQL: rebuild the search index into fresh copies of its tables, then swap them in.

Filling the live tables in place means deleting every row, then inserting each document and
facet row through every index (GIN included), with a deferred foreign-key check queued per facet
row. Here the rows go by COPY into tables that have no index yet, each index is built once at
the end, and the old tables are dropped, dead rows and all (about half the time: bench/README.md).

Readers: until the swap the live tables are not touched, so a search during a rebuild reads the
old index as before, neither blocked nor slowed. Dropping and renaming need an ACCESS EXCLUSIVE
lock, taken only for the last statements of the rebuild's transaction: a search arriving then
waits for the commit (milliseconds) and reads the new tables, since PostgreSQL looks a table's
name up again after waiting for its lock. The lock is requested with a short timeout and retried,
so a search holding one table and waiting for the other makes the rebuild wait, never fail.

Writers (``reindex``/``remove`` on a save) take ``WRITERS_LOCK`` shared before touching the index;
the rebuild holds it exclusively. A save during a rebuild waits for it, then writes into the new
tables; without that, its document would go into the old table and be dropped with it.

Privileges granted on the tables to other roles are not carried over (the role that rebuilds
owns them, or the rebuild is done in place: ``can_swap``).
"""

import time

from django.db import OperationalError, transaction

from .models import SearchDocument, SearchFacet, TitleWord

DOCUMENTS = SearchDocument._meta.db_table
FACETS = SearchFacet._meta.db_table
WORDS = TitleWord._meta.db_table
# The tables copied and swapped; the last two refer to the first.
TABLES = (DOCUMENTS, FACETS, WORDS)
# An arbitrary constant: the advisory lock that serialises index writers against a rebuild.
WRITERS_LOCK = 7_200_117
# Memory for each index build (the server default is 64 MB): fewer flushes of the GIN build's
# accumulator on large archives; it lasts only until the rebuild commits.
INDEX_BUILD_MEMORY = "256MB"
SWAP_LOCK_TIMEOUT = "500ms"
SWAP_LOCK_ATTEMPTS = 120


def staging(table):
    return f"{table}_rebuild"


def lock_for_writing(connection):
    """Wait for any rebuild in progress; the lock lasts until the end of the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [WRITERS_LOCK])


def can_swap(connection):
    """False if anything outside the index refers to its tables (their foreign keys would be
    dropped with the old tables), if any of them has triggers of its own (``LIKE`` does not copy
    them), or if this role could not drop them and create their copies (an application role that
    only has privileges on tables a migration role owns): then rebuild in place."""
    tables = list(TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) "
            "AND has_schema_privilege(current_schema(), 'CREATE') "
            "FROM pg_class WHERE oid = ANY(%s::regclass[])",
            [tables],
        )
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid = ANY(%s::regclass[]) AND NOT conrelid = ANY(%s::regclass[])",
            [tables, tables],
        )
        foreign = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = ANY(%s::regclass[])",
            [tables],
        )
        return foreign == 0 and cursor.fetchone()[0] == 0


class Swap:
    """``begin()`` in the rebuild's transaction, fill ``staging(table)`` for each table, then
    ``finish()``."""

    tables = TABLES

    def __init__(self, connection):
        self.connection = connection

    def begin(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])
            for table in self.tables:
                # Columns with their defaults, identity, generated expression, column storage
                # and CHECK constraints; indexes, keys and foreign keys come in finish().
                cursor.execute(
                    f"CREATE TABLE {staging(table)} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)"
                )
                # LIKE leaves out the table's storage parameters (policyhub 0008 sets
                # toast_tuple_target so that the text goes out of line): set them before COPY
                # writes any row under them.
                cursor.execute(
                    "SELECT array_to_string(reloptions, ', ') FROM pg_class "
                    "WHERE oid = %s::regclass",
                    [table],
                )
                options = cursor.fetchone()[0]
                if options:
                    cursor.execute(f"ALTER TABLE {staging(table)} SET ({options})")

    def copy(self, table, columns, rows):
        names = ", ".join(self.connection.ops.quote_name(column) for column in columns)
        # Table and column names come from model metadata, values go as COPY data.
        statement = f"COPY {staging(table)} ({names}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            renames = []
            for table in self.tables:
                renames += self._build_indexes(cursor, table)
            sequences = {table: self._sequence(cursor, table) for table in self.tables}
            self._lock(cursor)
            self._check_deferred(cursor)
            cursor.execute(f"DROP TABLE {', '.join(reversed(self.tables))}")
            for table in self.tables:
                cursor.execute(f"ALTER TABLE {staging(table)} RENAME TO {table}")
                new_sequence = self._sequence(cursor, table)
                if sequences[table] and new_sequence != sequences[table]:
                    # RENAME TO takes the name without its schema.
                    name = sequences[table].rsplit(".", 1)[-1]
                    cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {name}")
            for statement in renames:
                cursor.execute(statement)

    def _build_indexes(self, cursor, table):
        """Build the live table's indexes and keys on its copy under temporary names; return the
        statements that give them their own names once the live table is gone."""
        new, renames = staging(table), []
        # Constraints backed by an index (primary key, unique): their names are index names.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') ORDER BY contype, conname",
            [table],
        )
        keyed = set()
        for number, (name, definition, index) in enumerate(cursor.fetchall()):
            keyed.add(index)
            temporary = f"{new}_key{number}"
            cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {temporary} {definition}")
            renames.append(f'ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO "{name}"')
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indexrelid "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass ORDER BY c.relname",
            [table],
        )
        for number, (name, definition, unique, oid) in enumerate(cursor.fetchall()):
            if oid in keyed:
                continue
            # "CREATE [UNIQUE] INDEX name ON table USING method (...) [WHERE ...]"
            method = definition.split(" USING ", 1)[1]
            temporary = f"{new}_index{number}"
            unique_sql = "UNIQUE " if unique else ""
            cursor.execute(f"CREATE {unique_sql}INDEX {temporary} ON {new} USING {method}")
            renames.append(f'ALTER INDEX {temporary} RENAME TO "{name}"')
        # Foreign keys keep their names (unique per table only); references to the other live
        # table go to its copy, which takes its name in the swap.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), confrelid::regclass::text "
            "FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for name, definition, target in cursor.fetchall():
            if target in self.tables:
                definition = definition.replace(
                    f"REFERENCES {target}(", f"REFERENCES {staging(target)}(", 1
                )
            cursor.execute(f'ALTER TABLE {new} ADD CONSTRAINT "{name}" {definition}')
        return renames

    def _check_deferred(self, cursor):
        """Run the foreign-key checks still queued on the live tables by earlier writes in an
        enclosing transaction (PostgreSQL refuses to drop a table with pending ones); the
        constraints are deferred again afterwards, as Django creates them."""
        cursor.execute(
            "SELECT quote_ident(conname) FROM pg_constraint WHERE contype = 'f' AND condeferred "
            "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[]))",
            [list(self.tables), list(self.tables)],
        )
        names = ", ".join(name for (name,) in cursor.fetchall())
        if names:
            cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")

    @staticmethod
    def _sequence(cursor, table):
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        return cursor.fetchone()[0]

    def _lock(self, cursor):
        """ACCESS EXCLUSIVE on the live tables, retried: waiting indefinitely behind a search
        would queue every later search behind this request, and a search holding one table
        while it waits for the other would deadlock with it."""
        for attempt in range(SWAP_LOCK_ATTEMPTS):
            try:
                with transaction.atomic(using=self.connection.alias):
                    cursor.execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
                    names = ", ".join(reversed(self.tables))
                    cursor.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
                    cursor.execute("SET LOCAL lock_timeout = DEFAULT")
                return
            except OperationalError:
                if attempt == SWAP_LOCK_ATTEMPTS - 1:
                    raise
                time.sleep(0.1)
