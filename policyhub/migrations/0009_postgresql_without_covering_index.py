"""PostgreSQL: drop ``search_document_match``, the covering index SQLite's search reads.

SQLite joins each full-text match to this index and never touches the wide rows. PostgreSQL
cannot read columns from a GIN match without visiting the heap, so the index served no search
there; instead its planner combined the GIN bitmap with a scan of the whole index for the
visibility test (a BitmapAnd over ~90,000 entries at 100,000 publications), ~20 ms of a
25,000-match search, where a filter on the narrow rows it visits anyway is nearly free
(bench/README.md). Dropping it also spares every save an index update.

The model keeps the index, so SQLite databases and the migration state are unchanged; only
PostgreSQL's schema differs. A later ``RemoveIndex`` is safe (PostgreSQL drops indexes with
``IF EXISTS``); rename or alter it through another RunPython like this one.
"""

from django.db import migrations

INDEX = "search_document_match"
COLUMNS = "id, kind, object_id, type_id, year, published_at, status"


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def restore_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON policyhub_searchdocument ({COLUMNS})"
        )


class Migration(migrations.Migration):
    dependencies = [("policyhub", "0008_search_vector_out_of_line")]

    operations = [migrations.RunPython(drop_on_postgresql, restore_on_postgresql)]
