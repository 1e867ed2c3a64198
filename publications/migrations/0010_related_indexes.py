"""Indexes that let related publications be found from the through tables' indexes alone.

Topics go through the table Django creates for ``Publication.topics``, which has no Meta to
declare an index on: plain SQL (the same on SQLite and PostgreSQL), unknown to the migration
state like the full-text objects of policyhub 0002.
"""

from django.db import migrations, models

TOPICS = "publications_publication_topics"


class Migration(migrations.Migration):
    dependencies = [("publications", "0009_reader_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="taggedpublication",
            index=models.Index(fields=["tag", "content_object"], name="tagged_publication_by_tag"),
        ),
        migrations.RunSQL(
            f"CREATE INDEX publication_topics_by_topic ON {TOPICS} (topic_id, publication_id)",
            "DROP INDEX IF EXISTS publication_topics_by_topic",
        ),
    ]
