from django.core.management.base import BaseCommand

from policyhub.editorial.cache import invalidate, schedule_changed


class Command(BaseCommand):
    help = (
        "Retire every cached page and cached count, card and fragment on every server: after "
        "QuerySet.update() or bulk_create() on content (which send no signals), and after "
        "deploying new code."
    )

    def handle(self, *args, **options):
        invalidate()
        schedule_changed()  # a publish time set by update() is found again
        self.stdout.write("Page cache cleared.")
