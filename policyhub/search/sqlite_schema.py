"""Repair and bulk-load helpers for the SQLite FTS5 indexes created in migrations 0002 (a
document's own fields and its attached documents: what matches) and 0004 (its own fields only:
ranking, and which hits they explain).

The triggers are repeated here (with IF NOT EXISTS) because a future migration that rebuilds
search_searchdocument on SQLite would silently drop them; rebuild_search_index restores them.
"""

TRIGGERS = {
    "search_fts_ai": (
        "AFTER INSERT ON search_searchdocument BEGIN "
        "INSERT INTO search_fts(rowid, title, meta, body, files) "
        "VALUES (new.id, new.title, new.meta, new.body, new.files); END"
    ),
    "search_fts_ad": (
        "AFTER DELETE ON search_searchdocument BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, meta, body, files) "
        "VALUES ('delete', old.id, old.title, old.meta, old.body, old.files); END"
    ),
    "search_fts_au": (
        "AFTER UPDATE OF title, meta, body, files ON search_searchdocument BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title, meta, body, files) "
        "VALUES ('delete', old.id, old.title, old.meta, old.body, old.files); "
        "INSERT INTO search_fts(rowid, title, meta, body, files) "
        "VALUES (new.id, new.title, new.meta, new.body, new.files); END"
    ),
    "search_own_fts_ai": (
        "AFTER INSERT ON search_searchdocument BEGIN "
        "INSERT INTO search_own_fts(rowid, title, meta, body) "
        "VALUES (new.id, new.title, new.meta, new.body); END"
    ),
    "search_own_fts_ad": (
        "AFTER DELETE ON search_searchdocument BEGIN "
        "INSERT INTO search_own_fts(search_own_fts, rowid, title, meta, body) "
        "VALUES ('delete', old.id, old.title, old.meta, old.body); END"
    ),
    "search_own_fts_au": (
        "AFTER UPDATE OF title, meta, body ON search_searchdocument BEGIN "
        "INSERT INTO search_own_fts(search_own_fts, rowid, title, meta, body) "
        "VALUES ('delete', old.id, old.title, old.meta, old.body); "
        "INSERT INTO search_own_fts(rowid, title, meta, body) "
        "VALUES (new.id, new.title, new.meta, new.body); END"
    ),
}


def drop_triggers(connection):
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(connection):
    """Re-read every document into the FTS indexes, then put the triggers back."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        cursor.execute("INSERT INTO search_own_fts(search_own_fts) VALUES ('rebuild')")
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
