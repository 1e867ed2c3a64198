from django.core.management.base import BaseCommand, CommandError

from policyhub.interchange.importing import BATCH_SIZE, import_file


class Command(BaseCommand):
    help = (
        "Import publications and policy options from a JSON Lines file (docs/interchange.md). "
        "Bad lines are reported with their line numbers; the rest is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Check the whole file first and import nothing if any line is bad.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="Lines per transaction."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, file, strict, batch_size, no_progress, **options):
        try:
            # None lets tqdm decide: a bar on a terminal, silence in logs and CI.
            report = import_file(
                file,
                strict=strict,
                batch_size=max(batch_size, 1),
                progress=True if no_progress else None,
            )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        for problem in sorted(report.problems + report.warnings, key=lambda p: p.line):
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
