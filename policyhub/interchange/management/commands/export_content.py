from django.core.management.base import BaseCommand

from policyhub.interchange.exporting import export


class Command(BaseCommand):
    help = "Write every publication and policy option to a JSON Lines file (docs/interchange.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help='Where to write; "-" for standard output.')

    def handle(self, *args, file, **options):
        if file == "-":
            count = export(self.stdout)
            return
        with open(file, "w", encoding="utf-8", newline="\n") as handle:
            count = export(handle)
        self.stderr.write(f"Exported {count} items to {file}.")
