"""PostgreSQL: keep each document's tsvector in the table row rather than in TOAST.

The vectors are about 4 kB and barely compress, so by default each one went to the TOAST table
and every match cost a TOAST index lookup and chunk reads (twice: once to match, once to rank).
STORAGE MAIN keeps them inline (a row stays under a page). Existing rows move on their next
write: run ``manage.py rebuild_search_index`` after migrating. A no-op on SQLite.
"""

from django.db import migrations

SQL = "ALTER TABLE policyhub_searchdocument ALTER COLUMN search_vector SET STORAGE {}"


def storage(value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(SQL.format(value))

    return run


class Migration(migrations.Migration):
    dependencies = [("policyhub", "0003_searchdocument_search_document_match")]

    operations = [migrations.RunPython(storage("MAIN"), storage("EXTENDED"))]
