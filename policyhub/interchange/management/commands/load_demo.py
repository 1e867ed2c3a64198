"""``manage.py load_demo [--with-superuser]``: the demo content, safe to run again and again.

The demo is data: ``policyhub/interchange/demo/demo.jsonl``, loaded by ``import_content``'s own
importer, so the demo is also the interchange format's end-to-end test (docs/interchange.md).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from policyhub.editorial.roles import ensure_roles
from policyhub.interchange.importing import import_file

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"  # noqa: S105 - the documented local-demo login, refused outside SQLite+DEBUG
DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "demo.jsonl"


def database_is_sqlite():
    return connection.vendor == "sqlite"


def superuser_refusal():
    """Why the well-known admin/admin login must not be created here, or None if it may be."""
    if not database_is_sqlite():
        return (
            "Refusing --with-superuser: the admin/admin login is for the local SQLite demo "
            f"database only, and this database is {connection.vendor}. "
            "Use `manage.py createsuperuser` instead."
        )
    if not settings.DEBUG:
        return (
            "Refusing --with-superuser: DEBUG is off, so this looks like a production setup. "
            "Use `manage.py createsuperuser` instead."
        )
    return None


class Command(BaseCommand):
    help = "Load the PolicyHub demo publications and policy options (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-superuser",
            action="store_true",
            help="Also create the user admin/admin (local SQLite demo database with DEBUG only).",
        )

    def handle(self, *args, with_superuser=False, **options):
        if with_superuser and (problem := superuser_refusal()):
            raise CommandError(problem)
        with transaction.atomic():
            self.stdout.write(f"Loading {DEMO_FILE.name}…")
            # None lets tqdm decide: a bar on a terminal, silence in logs and tests.
            report = import_file(DEMO_FILE, strict=True, progress=None)
            for problem in report.problems + report.warnings:
                self.stderr.write(str(problem))
            if not report.ok or report.warnings:
                raise CommandError(f"The demo file does not import cleanly: {report.summary()}")
            for verb, kind, label in report.changes:
                self.stdout.write(f"  {verb} {kind} “{label}”")
            for part in report.summary().rstrip(".").split("; "):
                self.stdout.write(f"  {part}")
            # Pages and menus are not in the interchange format: a fixture with fixed ids
            # (loading it again overwrites those rows, as the demo file does its items).
            call_command("loaddata", "demo_pages", verbosity=0)
            self.stdout.write("  Pages and menus: policyhub/pages/fixtures/demo_pages.json")
            call_command("loaddata", "demo_site", verbosity=0)
            self.stdout.write("  Site settings: policyhub/editorial/fixtures/demo_site.json")
            ensure_roles()
            self.stdout.write("  Roles: Contributors and Editors groups")
        if with_superuser:
            self.ensure_superuser()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def ensure_superuser(self):
        User = get_user_model()
        if User.objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(f"User {DEMO_USERNAME!r} already exists; left unchanged.")
            return
        User.objects.create_superuser(DEMO_USERNAME, "admin@example.org", DEMO_PASSWORD)
        self.stdout.write(
            self.style.WARNING(
                f"Created superuser {DEMO_USERNAME!r} with password {DEMO_PASSWORD!r} "
                "(local demo only)."
            )
        )
