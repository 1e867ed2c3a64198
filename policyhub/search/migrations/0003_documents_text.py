"""A fourth full-text column, ``files``: the text of a publication's attached documents, weighted
below its body.

SQLite: the FTS5 table is made again with the column (an FTS5 table's columns cannot change),
triggers included, and filled from the documents. PostgreSQL: the generated tsvector gains the
column as weight D; dropping and adding it rewrites the table and rebuilds its GIN index.
"""

from importlib import import_module

from django.db import migrations, models

# The vendor-only RunSQL of the migration before (its module name is not an identifier).
VendorRunSQL = import_module("policyhub.search.migrations.0002_full_text").VendorRunSQL

SQLITE = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
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
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, meta, body, content='search_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, title, meta, body) "
    "VALUES (new.id, new.title, new.meta, new.body); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, meta, body) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF title, meta, body "
    "ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, meta, body) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body); "
    "INSERT INTO search_fts(rowid, title, meta, body) "
    "VALUES (new.id, new.title, new.meta, new.body); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]


def _vector(with_files):
    parts = [
        "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')",
        "setweight(to_tsvector('english'::regconfig, coalesce(meta, '')), 'B')",
        "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')",
    ]
    if with_files:
        parts.append("setweight(to_tsvector('english'::regconfig, coalesce(files, '')), 'D')")
    return [
        "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
        "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({' || '.join(parts)}) STORED",
        "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
        "ALTER TABLE search_searchdocument ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    ]


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="files",
            field=models.TextField(
                blank=True, help_text="Attached documents (weight D).", null=True
            ),
        ),
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorRunSQL("postgresql", _vector(with_files=True), _vector(with_files=False)),
    ]
