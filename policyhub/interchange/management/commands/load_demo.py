"""``manage.py load_demo [--with-superuser]``: the demo content, safe to run again and again."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from options import demo as options_demo
from policyhub.editorial.roles import ensure_roles
from policyhub.search.models import Synonym
from publications import demo as publications_demo

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "admin"  # noqa: S105 - the documented local-demo login, refused outside SQLite+DEBUG
# Search synonyms an institute working on the Korean Peninsula would want from day one.
DEMO_SYNONYMS = [
    ("DPRK, North Korea", "The country's official initials and its common name."),
    ("ROK, South Korea", "The Republic of Korea."),
    ("U.N., UN, United Nations", ""),
    ("sanctions relief, sanctions easing", ""),
]


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
            self.stdout.write("Loading publications…")
            done = publications_demo.load(self.stdout.write)
            self.report(done)
            self.stdout.write("Loading policy options…")
            done = options_demo.load(self.stdout.write)
            self.report(done)
            self.ensure_synonyms()
            ensure_roles()
            self.stdout.write("  Roles: Contributors and Editors groups (policyhub/roles.py)")
        if with_superuser:
            self.ensure_superuser()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))

    def report(self, progress):
        self.stdout.write(
            f"  {progress.created} created, {progress.updated} updated, "
            f"{progress.unchanged} unchanged"
        )

    def ensure_synonyms(self):
        created = 0
        for terms, note in DEMO_SYNONYMS:
            created += Synonym.objects.get_or_create(terms=terms, defaults={"note": note})[1]
        self.stdout.write(f"  {created} search synonym groups created")

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
