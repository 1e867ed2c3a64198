import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from policyhub.operations.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the media folder with a backup made by `backup`, after checking "
        "its checksums. Asks for confirmation unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A folder written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--force", action="store_true", help="Overwrite without asking (scripts, drills)."
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never prompt; without --force this refuses.",
        )

    def handle(self, *args, source, database, force, interactive, **options):
        try:
            manifest = read_manifest(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        target = connections[database].settings_dict["NAME"]
        self.stdout.write(
            f"Backup of {manifest['engine']} from {manifest['created_at']}: checksums verified."
        )
        if not force:
            if not (interactive and sys.stdin.isatty()):
                raise CommandError(
                    f"Refusing to overwrite database {target} and {settings.MEDIA_ROOT} "
                    "without --force."
                )
            answer = input(
                f"This REPLACES database {target} and everything in {settings.MEDIA_ROOT}.\n"
                "Type 'yes' to continue: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            mismatches = restore(source, manifest, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if mismatches:
            details = ", ".join(
                f"{label}: {expected} expected, {found} found"
                for label, (expected, found) in sorted(mismatches.items())
            )
            raise CommandError(f"Restored, but counts differ from the manifest: {details}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {source}; row counts match the manifest "
                f"({sum(manifest['counts'].values())} rows)."
            )
        )
        if settings.MEDIA_STORAGE_URL:
            self.stderr.write(
                "Images and documents are on object storage (MEDIA_STORAGE_URL): they were not "
                "restored; put back the bucket's copy from the same time (README, 'Object "
                "storage')."
            )
