"""Each search document's facet values packed in its row (``SearchDocument.facet_keys``).

A search counts the facets of its sampled matches (up to 2,000 documents) from these strings
instead of looking up their ~20,000 ``SearchFacet`` rows and grouping them: ~15 → ~7 ms of a
search matching a third of 100,000 documents (bench/README.md, "Sixth round"). ``SearchFacet``
stays: filters select documents through its index.

On SQLite the covering index ``search_document_match`` gains the column, so the sampled rows
are read from the index (a column after ``body`` would be read through the body's overflow
pages). PostgreSQL has no such index (migration 0009) and reads the heap row.
"""

from django.db import migrations, models

INDEX = "search_document_match"
OLD_COLUMNS = ["id", "kind", "object_id", "type_id", "year", "published_at", "status"]
NEW_COLUMNS = [*OLD_COLUMNS, "facet_keys"]
# SearchFacet.CODES, frozen here as migrations must be.
CODE = "CASE facet WHEN 'topic' THEN 't' WHEN 'region' THEN 'r' WHEN 'tag' THEN 'g' ELSE 'a' END"


def fill(apps, schema_editor):
    key = f"{CODE} || CAST(value AS text)"
    if schema_editor.connection.vendor == "postgresql":
        packed = f"SELECT string_agg({key}, ' ' ORDER BY {key}) FROM policyhub_searchfacet f"
    else:
        packed = f"SELECT group_concat({key}, ' ') FROM policyhub_searchfacet f"
    # Table and column names are ours; there are no values.
    schema_editor.execute(
        f"UPDATE policyhub_searchdocument SET facet_keys = ({packed} "  # noqa: S608
        "WHERE f.document_id = policyhub_searchdocument.id)"
    )


def _recreate_on_sqlite(schema_editor, columns):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON policyhub_searchdocument ({', '.join(columns)})"
    )
    # Without statistics for a new index SQLite joined matches through the wide rows (0007).
    schema_editor.execute("ANALYZE policyhub_searchdocument")


def widen_index(apps, schema_editor):
    _recreate_on_sqlite(schema_editor, NEW_COLUMNS)


def narrow_index(apps, schema_editor):
    _recreate_on_sqlite(schema_editor, OLD_COLUMNS)


class Migration(migrations.Migration):
    dependencies = [("policyhub", "0009_postgresql_without_covering_index")]

    operations = [
        # Nullable with no default, so SQLite adds the column in place: rebuilding the table
        # would drop its full-text triggers.
        migrations.AddField(
            model_name="searchdocument",
            name="facet_keys",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="searchdocument", name=INDEX),
                migrations.AddIndex(
                    model_name="searchdocument",
                    index=models.Index(fields=NEW_COLUMNS, name=INDEX),
                ),
            ],
            database_operations=[migrations.RunPython(widen_index, narrow_index)],
        ),
    ]
