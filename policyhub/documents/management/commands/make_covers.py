from django.core.management.base import BaseCommand
from tqdm import tqdm

from policyhub.documents.models import Document


class Command(BaseCommand):
    help = (
        "Draw the cover of each document that has none (uploaded before covers, or whose "
        "first page could not be drawn then); --all draws every cover again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", dest="redraw", help="Draw every document's cover again."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, redraw=False, no_progress=False, **options):
        # Only PDFs have covers: other types show their type instead.
        documents = Document.objects.filter(file_type="pdf").defer("page_texts").order_by("pk")
        if not redraw:
            documents = documents.filter(cover={})
        drawn = failed = 0
        # None lets tqdm decide: a bar on a terminal, silence in logs and CI.
        total = documents.count()
        with tqdm(
            total=total, unit="doc", desc="Covers", disable=True if no_progress else None
        ) as bar:
            for document in documents.iterator(chunk_size=100):
                if document.draw_cover():
                    drawn += 1
                else:
                    failed += 1
                    self.stderr.write(f"No cover for document {document.pk} ({document}).")
                bar.update()
        self.stdout.write(self.style.SUCCESS(f"Drew {drawn} covers; {failed} could not be drawn."))
