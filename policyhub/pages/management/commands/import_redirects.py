from django.core.management.base import BaseCommand, CommandError

from policyhub.pages.redirects import ImportFailed, import_redirects


class Command(BaseCommand):
    help = (
        "Import redirects from a CSV file (old_path,target,status), as the admin's "
        "“Import from CSV” does: all lines or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a UTF-8 CSV file")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as stream:
                data = stream.read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            result = import_redirects(data)
        except ImportFailed as failure:
            for line, message in failure.errors:
                self.stderr.write(f"{file}:{line}: {message}")
            raise CommandError(
                f"Nothing imported: {len(failure.errors)} bad line(s) in {file}."
            ) from None
        self.stdout.write(f"{result.created} redirect(s) added, {result.updated} updated.")
