"""The full-text side of the index, different on each database, in plain SQL the migration
state does not track.

SQLite: an external-content FTS5 table over the documents, kept in step by triggers (so bulk
inserts and cascaded deletes are indexed too), with the porter stemmer.
PostgreSQL: a generated, weighted tsvector column (title A, meta B, body C, attached documents'
text D) with a GIN index, kept out of line so the rows a count or filter reads stay narrow.
SQLite also gets a covering index for the per-match work; on PostgreSQL the planner scanned such
an index whole for the visibility test, so it has none.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, meta, body, files, content='search_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, title, meta, body, files) "
    "VALUES (new.id, new.title, new.meta, new.body, new.files); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, meta, body, files) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body, old.files); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF title, meta, body, files "
    "ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, meta, body, files) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body, old.files); "
    "INSERT INTO search_fts(rowid, title, meta, body, files) "
    "VALUES (new.id, new.title, new.meta, new.body, new.files); END",
    # Everything a search reads per match (the join from the FTS rowid, visibility, counts,
    # order, facet keys), so the wide rows of matches off the page are never read.
    "CREATE INDEX search_document_match ON search_searchdocument "
    "(id, kind, object_id, type_id, year, published_at, status, facet_keys)",
]
SQLITE_REVERSE = [
    "DROP INDEX IF EXISTS search_document_match",
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRESQL = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(meta, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(files, '')), 'D')) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
    # Vectors and text out of line: counting and filtering read only the narrow row.
    "ALTER TABLE search_searchdocument ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    "ALTER TABLE search_searchdocument SET (toast_tuple_target = 128)",
]
POSTGRESQL_REVERSE = [
    "ALTER TABLE search_searchdocument RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


class VendorRunSQL(migrations.RunSQL):
    """RunSQL for one database vendor, a no-op on the others."""

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
    dependencies = [("search", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorRunSQL("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
