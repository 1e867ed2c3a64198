from pathlib import Path

from django.core.management.base import BaseCommand

from policyhub.interchange.exporting import export


class Command(BaseCommand):
    help = "Write all content to a JSON Lines file, images beside it (docs/interchange.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help='Where to write; "-" for standard output.')

    def handle(self, *args, file, **options):
        if file == "-":
            count = export(self.stdout)
            return
        with open(file, "w", encoding="utf-8", newline="\n") as handle:
            count = export(handle, folder=Path(file).parent)
        self.stderr.write(f"Exported {count} items to {file}.")
