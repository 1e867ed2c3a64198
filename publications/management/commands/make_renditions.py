from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from policyhub.editorial.images import HERO_WIDTHS, PHOTO_WIDTHS, update_renditions
from policyhub.editorial.models import SiteSettings
from publications.models import Person, Publication

# Apps above this one add their own images from AppConfig.ready() (policyhub/pages/apps.py).
JOBS = [
    (Publication, "hero_image", "hero_renditions", HERO_WIDTHS),
    (Person, "photo", "photo_renditions", PHOTO_WIDTHS),
    (SiteSettings, "share_image", "share_image_renditions", HERO_WIDTHS),
]
BATCH = 100


class Command(BaseCommand):
    help = (
        "Make the WebP and JPEG renditions of every hero image (publications, pages), person "
        "photo and the site's share image (after an import, a restore of old content, or a "
        "change of widths)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only images that have no renditions yet (or whose image changed).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, missing=False, no_progress=False, **options):
        made = unusable = 0
        for model, image_field, renditions_field, widths in JOBS:
            pks = list(
                model.objects.exclude(**{image_field: ""})
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            label = model._meta.verbose_name_plural
            # None lets tqdm decide: a bar on a terminal, silence in logs and CI.
            with tqdm(total=len(pks), desc=label, unit="image", disable=no_progress or None) as bar:
                for start in range(0, len(pks), BATCH):
                    for item in model.objects.in_bulk(pks[start : start + BATCH]).values():
                        changed = update_renditions(
                            item, image_field, renditions_field, widths, force=not missing
                        )
                        if changed:
                            record = getattr(item, renditions_field)
                            # update(), not save(): renditions are not an edit, so updated_at,
                            # the search index and history stay as they were.
                            model.objects.filter(pk=item.pk).update(**{renditions_field: record})
                            made += bool(record)
                            unusable += not record
                        bar.update()
        self.stdout.write(self.style.SUCCESS(f"Made renditions for {made} image(s)."))
        if made or unusable:
            # The records were written with update(), which sends no signals: cached pages still
            # carry the old <img> markup. (By command name: this app does not import policyhub.)
            call_command("clear_page_cache", stdout=self.stdout)
        if unusable:
            self.stdout.write(
                self.style.WARNING(
                    f"{unusable} image(s) could not be read (missing, damaged or over the "
                    "limits); see the warnings above. Pages show those originals without srcset."
                )
            )
