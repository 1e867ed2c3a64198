"""SQLite: a document's own text (title, meta, body) indexed once more without its attached
documents' text, to rank the candidates and to tell which hits of a result page their own fields
explain.

search_fts (migration 0002) still decides what matches. Ranking on it, and asking whether a few
hits match by their own fields, compared a phrase's positions in every document holding its
words, reports and all (the check up to 200 ms for a quoted phrase of common words); this table
holds a publication's own words only. An external-content FTS5 table over the same rows, kept by
triggers. PostgreSQL answers from its vector's weights (``ts_filter``) at no such cost.
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

class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_words")]

    operations = [
        VendorRunSQL("sqlite", SQLITE, SQLITE_REVERSE),
    ]
