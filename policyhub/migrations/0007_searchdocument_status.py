"""A copy of each publication's status in its search document, kept by database triggers.

The search tested visibility with a correlated lookup of every match's publication (~30 ms of a
25,000-match search on SQLite at 100,000 publications); with the status and publish time on the
index row, ``published()`` is applied to the row it already reads (bench/README.md). The
covering index gains the column. ``triggers.ensure`` creates the triggers and fills the copies.
"""

from django.db import migrations, models


def create_triggers(apps, schema_editor):
    from policyhub.search import triggers

    triggers.ensure(schema_editor.connection)
    # Without statistics for the new index SQLite joined matches through the wide table rows
    # instead (56 ms against 21 ms for 25,000 matches).
    schema_editor.execute("ANALYZE policyhub_searchdocument")


def drop_triggers(apps, schema_editor):
    from policyhub.search import triggers

    with schema_editor.connection.cursor() as cursor:
        for name in triggers.SQLITE:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {triggers.PUBLICATIONS}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("policyhub", "0006_editorial_roles"), ("publications", "0007_workflow")]

    operations = [
        # Nullable with no default, so SQLite adds the column in place: rebuilding the table
        # would drop its full-text triggers.
        migrations.AddField(
            model_name="searchdocument",
            name="status",
            field=models.CharField(blank=True, max_length=12, null=True),
        ),
        migrations.RemoveIndex(model_name="searchdocument", name="search_document_match"),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["id", "kind", "object_id", "type_id", "year", "published_at", "status"],
                name="search_document_match",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
