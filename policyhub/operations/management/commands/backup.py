from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from policyhub.operations.backup import BackupError, backup

OBJECT_STORAGE_NOTE = (
    "Images and documents are on object storage (MEDIA_STORAGE_URL), not in this backup: copy "
    "the bucket's prefix beside it (README, 'Object storage')."
)


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) and the media "
        "folder into a new folder, with a manifest of counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", help="A new or empty folder.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, destination, database, **options):
        try:
            manifest = backup(destination, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {manifest['engine']} ({rows} rows in {len(manifest['counts'])} "
                f"tables) and {manifest['media']['files']} media files to {destination}."
            )
        )
        if settings.MEDIA_STORAGE_URL:
            self.stderr.write(OBJECT_STORAGE_NOTE)
