"""The full-text side of the search index, different on each database.

SQLite: an external-content FTS5 table over policyhub_searchdocument, kept in step by triggers
(so bulk inserts and cascaded deletes are indexed too), with the porter stemmer.
PostgreSQL: a generated tsvector column (title A, meta B, body C; english) and a GIN index.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE policyhub_search_fts USING fts5("
    "title, meta, body, content='policyhub_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER policyhub_search_fts_ai AFTER INSERT ON policyhub_searchdocument BEGIN "
    "INSERT INTO policyhub_search_fts(rowid, title, meta, body) "
    "VALUES (new.id, new.title, new.meta, new.body); END",
    "CREATE TRIGGER policyhub_search_fts_ad AFTER DELETE ON policyhub_searchdocument BEGIN "
    "INSERT INTO policyhub_search_fts(policyhub_search_fts, rowid, title, meta, body) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body); END",
    "CREATE TRIGGER policyhub_search_fts_au AFTER UPDATE OF title, meta, body "
    "ON policyhub_searchdocument BEGIN "
    "INSERT INTO policyhub_search_fts(policyhub_search_fts, rowid, title, meta, body) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body); "
    "INSERT INTO policyhub_search_fts(rowid, title, meta, body) "
    "VALUES (new.id, new.title, new.meta, new.body); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS policyhub_search_fts_au",
    "DROP TRIGGER IF EXISTS policyhub_search_fts_ad",
    "DROP TRIGGER IF EXISTS policyhub_search_fts_ai",
    "DROP TABLE IF EXISTS policyhub_search_fts",
]

POSTGRESQL = [
    "ALTER TABLE policyhub_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(meta, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX search_document_vector ON policyhub_searchdocument USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE policyhub_searchdocument DROP COLUMN IF EXISTS search_vector",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that only runs on one database vendor (and is a no-op elsewhere)."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("policyhub", "0001_search_index")]

    operations = [
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorRunSQL("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
