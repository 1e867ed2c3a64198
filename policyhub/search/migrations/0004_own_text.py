"""A document's own text (title, meta, body) indexed once more without its attached documents'
text, for ranking and for telling which hits their own fields explain.

The full-text index of migration 0002 still decides what matches (a publication's own fields
and its documents, as one text); ranking the newest matches and checking whether a hit's own
fields match read this one, whose entries are a publication's own words only, not its reports'.
SQLite: an external-content FTS5 table over the same rows, kept by triggers. PostgreSQL: a
generated tsvector column, out of line, with no index (it is read only for a few rows).
"""

import importlib

from django.db import migrations

VendorRunSQL = importlib.import_module("policyhub.search.migrations.0002_full_text").VendorRunSQL

SQLITE = [
    "CREATE VIRTUAL TABLE search_own_fts USING fts5(title, meta, body, "
    "content='search_searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_own_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_own_fts(rowid, title, meta, body) "
    "VALUES (new.id, new.title, new.meta, new.body); END",
    "CREATE TRIGGER search_own_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_own_fts(search_own_fts, rowid, title, meta, body) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body); END",
    "CREATE TRIGGER search_own_fts_au AFTER UPDATE OF title, meta, body "
    "ON search_searchdocument BEGIN "
    "INSERT INTO search_own_fts(search_own_fts, rowid, title, meta, body) "
    "VALUES ('delete', old.id, old.title, old.meta, old.body); "
    "INSERT INTO search_own_fts(rowid, title, meta, body) "
    "VALUES (new.id, new.title, new.meta, new.body); END",
    "INSERT INTO search_own_fts(search_own_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_own_fts_au",
    "DROP TRIGGER IF EXISTS search_own_fts_ad",
    "DROP TRIGGER IF EXISTS search_own_fts_ai",
    "DROP TABLE IF EXISTS search_own_fts",
]

POSTGRESQL = [
    "ALTER TABLE search_searchdocument ADD COLUMN own_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(meta, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')) STORED",
    "ALTER TABLE search_searchdocument ALTER COLUMN own_vector SET STORAGE EXTERNAL",
]
POSTGRESQL_REVERSE = ["ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS own_vector"]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_words")]

    operations = [
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorRunSQL("postgresql", POSTGRESQL, POSTGRESQL_REVERSE),
    ]
