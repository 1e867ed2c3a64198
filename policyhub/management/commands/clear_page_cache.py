from django.core.management.base import BaseCommand

from policyhub.cache import invalidate


class Command(BaseCommand):
    help = (
        "Retire every cached page on every server (after QuerySet.update() or bulk_create() on "
        "content, which send no signals)."
    )

    def handle(self, *args, **options):
        invalidate()
        self.stdout.write("Page cache cleared.")
