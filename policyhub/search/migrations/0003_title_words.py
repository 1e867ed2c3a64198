"""Title words for the suggestions box (``TitleWord``) and "did you mean" (``SearchWord``), in
byte order on both databases.

SQLite compares text byte by byte with its built-in BINARY collation; PostgreSQL gets a
collation of that name with the same order, so a typed prefix is one range of the index
whatever locale the database was created with. Filled by ``rebuild_search_index``.
"""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE COLLATION IF NOT EXISTS "BINARY" (provider = libc, locale = \'C\')'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP COLLATION IF EXISTS "BINARY"')


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.CreateModel(
            name="TitleWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(db_collation="BINARY", max_length=100)),
                ("first", models.BooleanField()),
                ("recency", models.BigIntegerField()),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="title_word_rows",
                        to="search.searchdocument",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["first", "word", "-recency", "document"],
                        name="search_title_word_order",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(db_collation="BINARY", max_length=100)),
                ("titles", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("word",), name="search_word_unique")
                ],
            },
        ),
    ]
