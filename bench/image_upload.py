"""Time and peak memory of one image upload: the admin form field's checks, then the renditions
written at save, in a fresh process (``ru_maxrss`` is per process).

    .venv/bin/python bench/image_upload.py [WIDTHxHEIGHT]

A PNG of that size (default 7360x4912: 36 megapixels, a full-frame camera's, 2.2 MB) is made
once under the temporary folder. Raise ``MAX_IMAGE_PIXELS`` in the environment to time an image
above the limit. Nothing is written to the database; the files go to a temporary
MEDIA_ROOT.
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="image-bench-")


def make_png(path, size=(7360, 4912)):
    from PIL import Image, ImageDraw

    red, green = Image.linear_gradient("L"), Image.radial_gradient("L")
    image = Image.merge("RGB", [red, green, red.rotate(90)]).resize(size)
    draw = ImageDraw.Draw(image)
    for n in range(0, size[0], 97):
        draw.line([(n, 0), (size[0] - n, size[1])], fill=(n % 255, 40, 200), width=3)
    image.save(path, "PNG")


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    size = sys.argv[1] if len(sys.argv) > 1 else "7360x4912"
    path = Path(tempfile.gettempdir()) / f"image-bench-{size}.png"
    if not path.exists():
        make_png(path, tuple(int(n) for n in size.split("x")))

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from policyhub.editorial.images import HERO_WIDTHS, CheckedImageFormField, update_renditions
    from publications.models import Publication

    data = path.read_bytes()
    field = CheckedImageFormField()
    before = peak()
    started = time.perf_counter()
    cleaned = field.clean(SimpleUploadedFile(path.name, data))
    checked = time.perf_counter()
    publication = Publication(hero_image=cleaned)
    update_renditions(publication, "hero_image", "hero_renditions", HERO_WIDTHS)
    done = time.perf_counter()
    print(
        f"{path.name}: {len(data) / 1e6:.1f} MB; form field {checked - started:.2f} s, "
        f"save (original + renditions) {done - checked:.2f} s, total {done - started:.2f} s; "
        f"peak memory +{(peak() - before) / 2**20:.0f} MiB "
        f"({len(publication.hero_renditions.get('jpeg', []))} JPEG renditions)"
    )


if __name__ == "__main__":
    main()
