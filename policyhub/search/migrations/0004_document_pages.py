"""Attached documents' text apart from a publication's own fields: one ``SearchPage`` row per
page, full-text indexed on its own, instead of a ``files`` column in the publication's vector.

Ranking reads each candidate's vector (PostgreSQL) or FTS5 row (SQLite), and a phrase is checked
against it again: with the documents' text inside, both read whole reports. Now the item's own
text holds title, meta and body only, and a search matches a publication by it or by its pages
(backends.py). Run ``manage.py rebuild_search_index`` after this migration: it fills the pages.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

VendorRunSQL = importlib.import_module("policyhub.search.migrations.0002_full_text").VendorRunSQL

SQLITE_BEFORE = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
SQLITE_AFTER = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, meta, body, "
    "content='search_searchdocument', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
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
    "CREATE VIRTUAL TABLE search_page_fts USING fts5(text, content='search_searchpage', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_page_fts_ai AFTER INSERT ON search_searchpage BEGIN "
    "INSERT INTO search_page_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_page_fts_ad AFTER DELETE ON search_searchpage BEGIN "
    "INSERT INTO search_page_fts(search_page_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_page_fts_au AFTER UPDATE OF text ON search_searchpage BEGIN "
    "INSERT INTO search_page_fts(search_page_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_page_fts(rowid, text) VALUES (new.id, new.text); END",
]
SQLITE_AFTER_REVERSE = [
    "DROP TRIGGER IF EXISTS search_page_fts_au",
    "DROP TRIGGER IF EXISTS search_page_fts_ad",
    "DROP TRIGGER IF EXISTS search_page_fts_ai",
    "DROP TABLE IF EXISTS search_page_fts",
    *SQLITE_BEFORE,
]

POSTGRESQL_BEFORE = [
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]
POSTGRESQL_AFTER = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(meta, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')) STORED",
    "CREATE INDEX search_document_vector ON search_searchdocument USING gin (search_vector)",
    "ALTER TABLE search_searchdocument ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    "ALTER TABLE search_searchpage ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED",
    "CREATE INDEX search_page_vector ON search_searchpage USING gin (search_vector)",
    # Text and vector out of line, as for the documents: the pages a word is on are read for
    # their publication's id alone.
    "ALTER TABLE search_searchpage ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    "ALTER TABLE search_searchpage SET (toast_tuple_target = 128)",
]
POSTGRESQL_AFTER_REVERSE = [
    "ALTER TABLE search_searchpage RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS search_page_vector",
    "ALTER TABLE search_searchpage DROP COLUMN IF EXISTS search_vector",
    *POSTGRESQL_BEFORE,
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_title_words")]

    operations = [
        # Reversing restores the columns, not the old full-text objects over them: rebuild.
        VendorRunSQL("sqlite", SQLITE_BEFORE, []),
        VendorRunSQL("postgresql", POSTGRESQL_BEFORE, []),
        migrations.RemoveField(model_name="searchdocument", name="files"),
        migrations.AddField(
            model_name="searchdocument",
            name="document_pages",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="SearchPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                # Before the text: SQLite reads a row's columns in order.
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pages",
                        to="search.searchdocument",
                    ),
                ),
                ("attachment", models.PositiveBigIntegerField()),
                ("position", models.PositiveIntegerField()),
                ("page", models.PositiveIntegerField()),
                ("text", models.TextField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("document", "position", "page"), name="search_page_unique"
                    )
                ],
            },
        ),
        VendorRunSQL("sqlite", SQLITE_AFTER, SQLITE_AFTER_REVERSE),
        VendorRunSQL("postgresql", POSTGRESQL_AFTER, POSTGRESQL_AFTER_REVERSE),
    ]
