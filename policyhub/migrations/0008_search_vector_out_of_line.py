"""PostgreSQL: keep the document rows narrow, the tsvector and the text out of line (TOAST).

0004 kept each ~2.4 kB vector in the row (STORAGE MAIN) because every match was ranked, and so
read its vector. Ranking now reads the newest ``engine.RANKED`` candidates only, while counting
and filtering a common word's matches read every matching row: with ~4.5 kB rows a 25,000-match
search read 20,000 heap pages (~150 of its ~180 ms). The GIN index answers plain word queries
without a recheck, so the heap rows need only the columns the search reads per match.

- ``STORAGE EXTERNAL`` for the vector: out of line, not compressed (it barely compresses).
- ``toast_tuple_target = 128``: once a row is over the ~2 kB toasting threshold, the text
  columns move out too (title, summary, meta, body), not just enough of them to get under 2 kB.
  Rows stay ~270 bytes: 3,600 pages for 107,000 documents instead of 71,000. Rows under the
  threshold (people, short options) stay inline as before; PostgreSQL never toasts those.

Existing rows are rewritten here (``CLUSTER`` on the primary key, which re-toasts them under the
new settings): ~30 s at 100,000 publications, holding an exclusive lock on the table. A no-op on
SQLite, which searches its own FTS5 table.
"""

from django.db import migrations

TABLE = "policyhub_searchdocument"


def storage(column_storage, table_options):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE {TABLE} {table_options}")
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE {column_storage}"
        )
        # New settings apply only to rows written from now on: rewrite the existing ones.
        schema_editor.execute(f"CLUSTER {TABLE} USING {TABLE}_pkey")
        schema_editor.execute(f"ANALYZE {TABLE}")

    return run


class Migration(migrations.Migration):
    dependencies = [("policyhub", "0007_searchdocument_status")]

    operations = [
        migrations.RunPython(
            storage("EXTERNAL", "SET (toast_tuple_target = 128)"),
            storage("MAIN", "RESET (toast_tuple_target)"),
        )
    ]
