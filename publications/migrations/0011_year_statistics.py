"""PostgreSQL: statistics on the publication's local year, so the year facet is hashed.

The planner knows nothing of ``EXTRACT(YEAR FROM published_at AT TIME ZONE …)``: it guessed a
group per row (~80,000 at 100,000 publications) and sorted every published row, spilling to
disk, where a hash of the ~20 years needs no sort (204 → 52 ms, bench/README.md). Extended
statistics on the expression tell it how few values there are.

The expression is compiled from ``LocalYear`` itself, so it is exactly the one the facet query
uses, with the ``TIME_ZONE`` of the day. After a change of ``TIME_ZONE`` the statistics no longer
match: the facet is still right, only slower; migrate back to 0010 and forward again to renew
them. A no-op on SQLite, which counts years without sorting.
"""

from django.db import migrations
from django.db.models.sql import Query

STATISTICS = "publication_local_year"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from publications.models import LocalYear

    Publication = apps.get_model("publications", "Publication")
    query = Query(Publication)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(LocalYear("published_at").resolve_expression(query))
    # The expression refers to the column by table and name; statistics take a bare column.
    sql = sql.replace(f'"{Publication._meta.db_table}".', "")
    table = schema_editor.quote_name(Publication._meta.db_table)
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} ON ({sql}) FROM {table}", params
    )
    schema_editor.execute(f"ANALYZE {table}")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [("publications", "0010_related_indexes")]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
