"""What the models cannot declare, in SQL the migration state does not track.

- An index on the topics through table (Django's own, which has no Meta): related publications
  are found from the through tables' indexes alone.
- PostgreSQL: statistics on the local-year expression of the year facet, so the planner hashes
  the ~20 years instead of sorting every published row. The expression is compiled from
  ``LocalYear`` itself with the ``TIME_ZONE`` in force; after changing it, migrate back to 0001
  and forward again to renew the statistics.
"""

from django.db import migrations
from django.db.models.sql import Query

TOPICS = "publications_publication_topics"
STATISTICS = "publication_local_year"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from publications.facets import LocalYear

    Publication = apps.get_model("publications", "Publication")
    query = Query(Publication)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(LocalYear("published_at").resolve_expression(query))
    # The expression names the column by table and name; statistics take a bare column.
    sql = sql.replace(f'"{Publication._meta.db_table}".', "")
    table = schema_editor.quote_name(Publication._meta.db_table)
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON ({sql}) FROM {table}", params
    )


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX publication_topics_by_topic ON {TOPICS} (topic_id, publication_id)",
            "DROP INDEX IF EXISTS publication_topics_by_topic",
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
