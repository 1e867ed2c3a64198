"""Database triggers that keep each publication's status and publish time copied into its
search document, so a search can test visibility on the index row it already reads.

Why triggers: ``QuerySet.update()`` (the admin's publish/unpublish actions, scripts) and raw SQL
send no Django signals, so only the database can keep a copy right in the same transaction.
What "published" means is still only ``PublishableQuerySet.published()``: the search applies it
to these copied columns (documents.py). The page shown is checked once more against the
publication itself (engine._hits), so even a missing trigger could not show a draft.

SQLite drops a table's triggers when a migration rebuilds that table (most ``AlterField``s on
Publication do): ``ensure()`` runs after every ``migrate`` (apps.py, post_migrate) and in
``rebuild_search_index``, and recreates them and refreshes the copies.
"""

PUBLICATIONS = "publications_publication"
# A deleted publication's document is hidden here and removed by the post_delete signal; a
# raw DELETE has no signal, and deleting the row here would bypass its facets' foreign key.
SQLITE = {
    "search_publication_au": (
        "AFTER UPDATE OF status, published_at ON publications_publication BEGIN "
        "UPDATE search_searchdocument SET status = new.status, "
        "published_at = new.published_at "
        "WHERE kind = 'publication' AND object_id = new.id; END"
    ),
    "search_publication_ad": (
        "AFTER DELETE ON publications_publication BEGIN "
        "UPDATE search_searchdocument SET status = NULL "
        "WHERE kind = 'publication' AND object_id = old.id; END"
    ),
}
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION search_publication_copy() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE search_searchdocument SET status = NULL
        WHERE kind = 'publication' AND object_id = OLD.id;
        RETURN OLD;
    END IF;
    UPDATE search_searchdocument SET status = NEW.status, published_at = NEW.published_at
    WHERE kind = 'publication' AND object_id = NEW.id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
"""
POSTGRESQL = {
    "search_publication_au": (
        "AFTER UPDATE OF status, published_at ON publications_publication FOR EACH ROW "
        "WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.published_at IS DISTINCT FROM NEW.published_at) "
        "EXECUTE FUNCTION search_publication_copy()"
    ),
    "search_publication_ad": (
        "AFTER DELETE ON publications_publication FOR EACH ROW "
        "EXECUTE FUNCTION search_publication_copy()"
    ),
}
# Documents whose copy differs from their publication, refreshed by ensure(); only those are
# written (on PostgreSQL each update rewrites a ~4 kB row). Valid SQL on both databases.
REFRESH = """
UPDATE search_searchdocument SET
    status = (SELECT p.status FROM publications_publication p
              WHERE p.id = search_searchdocument.object_id),
    published_at = (SELECT p.published_at FROM publications_publication p
                    WHERE p.id = search_searchdocument.object_id)
WHERE kind = 'publication' AND (
    status IS DISTINCT FROM (SELECT p.status FROM publications_publication p
                             WHERE p.id = search_searchdocument.object_id)
    OR published_at IS DISTINCT FROM (SELECT p.published_at FROM publications_publication p
                                      WHERE p.id = search_searchdocument.object_id)
)
"""


def ensure(connection):
    """Create the triggers if missing, then bring every copy in line with its publication."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name, body in SQLITE.items():
                cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for name, body in POSTGRESQL.items():
                cursor.execute(f"CREATE OR REPLACE TRIGGER {name} {body}")
        else:
            return
        cursor.execute(REFRESH)


def installed(connection):
    """Names of the copy triggers present in the database (tests and checks)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    return names & set(SQLITE)
