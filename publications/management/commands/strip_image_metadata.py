import os
import posixpath
import stat
import tempfile

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from policyhub.editorial.image_metadata import MalformedImage, strip_metadata
from publications.models import Person, Publication

FIELDS = [(Publication, "hero_image"), (Person, "photo")]


def upload_root(field):
    """The fixed part of ``upload_to`` ("heroes" for "heroes/%Y/")."""
    root = []
    for part in str(field.upload_to).split("/"):
        if not part or "%" in part:
            break
        root.append(part)
    return "/".join(root)


def walk(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from walk(storage, posixpath.join(folder, sub))


def stored_originals():
    """Every stored original a URL can reach, by storage: the current images, those of older
    revisions (a restore brings them back) and any other file in the upload folders (replaced
    images are not deleted)."""
    found = {}
    for model, name in FIELDS:
        field = model._meta.get_field(name)
        names = set(model.objects.exclude(**{name: ""}).values_list(name, flat=True))
        history = getattr(model, "history", None)
        if history is not None:
            names.update(history.model.objects.exclude(**{name: ""}).values_list(name, flat=True))
        root = upload_root(field)
        if root:
            names.update(walk(field.storage, root))
        found.setdefault(field.storage, set()).update(filter(None, names))
    return [(storage, name) for storage, names in found.items() for name in sorted(names)]


def replace(storage, name, data):
    """Write ``data`` over a stored file, keeping its name (the rows, revisions and renditions
    record refer to it). On a file system: a new file renamed over the old one, so a reader or
    a crash never sees half a file."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        storage.delete(name)
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            raise CommandError(f"{name} was written back as {saved}") from None
        return
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".stripping-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


class Command(BaseCommand):
    help = (
        "Remove EXIF, XMP, IPTC, PNG text and comments from stored original images (hero "
        "images, photos, their older revisions and other files in their folders), as new "
        "uploads are. Files already without metadata are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the files that would change only."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def handle(self, *args, dry_run=False, no_progress=False, **options):
        originals = stored_originals()
        changed = unchanged = 0
        failed = []
        with tqdm(total=len(originals), unit="image", disable=no_progress or None) as bar:
            for storage, name in originals:
                try:
                    with storage.open(name, "rb") as file:
                        data = file.read()
                    stripped = strip_metadata(data)
                except (OSError, MalformedImage) as exc:
                    failed.append(f"{name}: {exc}")
                else:
                    if stripped == data:
                        unchanged += 1
                    else:
                        if not dry_run:
                            replace(storage, name, stripped)
                        changed += 1
                bar.update()
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} metadata from {changed} image(s); {unchanged} had none.")
        )
        if failed:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(failed)} file(s) could not be read or cleaned and were left as they "
                    "are; check and replace or delete them:"
                )
            )
            for line in failed:
                self.stdout.write(f"  {line}")
