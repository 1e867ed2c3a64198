"""Repair and bulk-load helpers for the SQLite FTS5 indexes created in migration 0004: one over
the documents' own text, one over the pages of their attached documents.

The triggers are repeated here (with IF NOT EXISTS) because a future migration that rebuilds
search_searchdocument or search_searchpage on SQLite would silently drop them;
rebuild_search_index restores them.
"""

TRIGGERS = {
    "search_fts_ai": (
        "AFTER INSERT ON search_searchdocument BEGIN "
        "INSERT INTO search_fts(rowid, title, meta, body) "
        "VALUES (new.id, new.title, new.meta, new.body); END"
    ),
    "search_fts_ad": (
        "AFTER DELETE ON search_searchdocument BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, meta, body) "
        "VALUES ('delete', old.id, old.title, old.meta, old.body); END"
    ),
    "search_fts_au": (
        "AFTER UPDATE OF title, meta, body ON search_searchdocument BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, meta, body) "
        "VALUES ('delete', old.id, old.title, old.meta, old.body); "
        "INSERT INTO search_fts(rowid, title, meta, body) "
        "VALUES (new.id, new.title, new.meta, new.body); END"
    ),
    "search_page_fts_ai": (
        "AFTER INSERT ON search_searchpage BEGIN "
        "INSERT INTO search_page_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
    "search_page_fts_ad": (
        "AFTER DELETE ON search_searchpage BEGIN "
        "INSERT INTO search_page_fts(search_page_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); END"
    ),
    "search_page_fts_au": (
        "AFTER UPDATE OF text ON search_searchpage BEGIN "
        "INSERT INTO search_page_fts(search_page_fts, rowid, text) "
        "VALUES ('delete', old.id, old.text); "
        "INSERT INTO search_page_fts(rowid, text) VALUES (new.id, new.text); END"
    ),
}
FTS_TABLES = ("search_fts", "search_page_fts")


def drop_triggers(connection):
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(connection):
    """Re-read every document and page into the FTS indexes, then put the triggers back."""
    with connection.cursor() as cursor:
        for table in FTS_TABLES:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
