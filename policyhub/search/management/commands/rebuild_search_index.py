from django.core.management.base import BaseCommand

from policyhub.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the site search index from the database (drafts are left out)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, no_progress=False, **options):
        # None lets tqdm decide: a bar on a terminal, silence in logs and CI.
        count = rebuild(progress=True if no_progress else None)
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} documents."))
