"""Uploaded images: checked before they are stored, resized once when they are saved.

Django's ``ImageField`` accepts anything Pillow can open (a 12 KiB PNG declaring 10000×10000
pixels, a TIFF, a file named .jpg that is a GIF) and would leave resizing to request time. Here:

- ``check_image`` refuses a file that is too large, whose header declares too many pixels (before
  anything is decoded, so a pixel bomb costs nothing), that is not JPEG/PNG/WebP/GIF (SVG can carry
  scripts and is never accepted), or that does not decode to the end.
- ``CheckedImageField`` runs it in forms (the admin) and, for new files, in ``full_clean()``.
- ``without_metadata`` then removes EXIF (GPS position, camera serial, author), XMP, IPTC, PNG
  text and comments from the file (``image_metadata``, lossless: the container is rewritten, the
  pixels are not touched). Every new file is stored through it (``commit_new_image``): a file
  whose structure cannot be followed is refused rather than stored with its metadata.
- ``update_renditions`` writes WebP and JPEG copies at a few widths under ``renditions/`` when the
  model is saved, and records their names and sizes in a JSON field; reader pages build
  ``<img srcset>`` from that record (``ResponsiveImage``) and never open an image themselves.
"""

import logging
import posixpath
import struct
import warnings
from dataclasses import dataclass
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from policyhub.editorial.image_metadata import MalformedImage, sniff, strip_metadata

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}

HERO_WIDTHS = (480, 960, 1600)
PHOTO_WIDTHS = (160, 320, 640)
RENDITIONS_FOLDER = "renditions"
# The <img src> for browsers that ignore srcset: the largest JPEG no wider than this.
FALLBACK_WIDTH = 960


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def _megabytes(size):
    megabyte = 1024 * 1024
    if size % megabyte == 0:
        return f"{size // megabyte} MB"
    return f"{size / megabyte:.1f} MB" if size >= megabyte else f"{size:,} bytes"


def _megapixels(pixels):
    return f"{pixels / 1_000_000:g} megapixels"


def _shown_name(file):
    return posixpath.basename(str(getattr(file, "name", "") or "")) or "The file"


def not_an_image(name):
    return ValidationError(
        "“%(name)s” is not an image the site accepts: upload a JPEG, PNG, WebP or GIF file "
        "(SVG is not accepted).",
        code="invalid_image",
        params={"name": name},
    )


def check_image(file, *, limit_size=True):
    """Return the ``ImageInfo`` of an acceptable image file, or raise a ``ValidationError``.

    Cheap checks first: the file size, then the pixel count from the header. Only an image within
    both limits is decoded (``verify()`` then ``load()`` of a fresh copy: a truncated or corrupt
    file fails here, not later while making renditions).
    """
    name = _shown_name(file)
    size = getattr(file, "size", None)
    if limit_size and size is not None and size > settings.MAX_IMAGE_UPLOAD_SIZE:
        raise ValidationError(
            "“%(name)s” is larger than %(limit)s.",
            code="image_file_too_large",
            params={"name": name, "limit": _megabytes(settings.MAX_IMAGE_UPLOAD_SIZE)},
        )
    try:
        with warnings.catch_warnings():
            # The pixel limit below is ours; Pillow's own warning (above ~89 MP) is not needed.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            file.seek(0)
            try:
                image = Image.open(file, formats=ACCEPTED_FORMATS)
            except Image.DecompressionBombError:
                # Raised from the header, above twice Pillow's limit, before any decoding.
                raise ValidationError(
                    "“%(name)s” has more than %(pillow)s; the limit is %(limit)s.",
                    code="image_too_many_pixels",
                    params={
                        "name": name,
                        "pillow": _megapixels(2 * Image.MAX_IMAGE_PIXELS),
                        "limit": _megapixels(settings.MAX_IMAGE_PIXELS),
                    },
                ) from None
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
                raise not_an_image(name) from None
            # A JPEG with an MPF index (extra images after its end, written by many cameras)
            # opens as MPO; it is stored as the plain JPEG it starts with (without_metadata).
            info = ImageInfo("JPEG" if image.format == "MPO" else image.format, *image.size)
            if info.width * info.height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "“%(name)s” is %(width)s × %(height)s pixels; the limit is %(limit)s.",
                    code="image_too_many_pixels",
                    params={
                        "name": name,
                        "width": f"{info.width:,}",
                        "height": f"{info.height:,}",
                        "limit": _megapixels(settings.MAX_IMAGE_PIXELS),
                    },
                )
            try:
                image.verify()
                file.seek(0)
                with Image.open(file, formats=[info.format]) as copy:
                    copy.load()
            # Pillow's decoders raise many exception types for damaged data (OSError,
            # SyntaxError, struct.error, EOFError, zlib.error...); Django's ImageField catches
            # Exception here for the same reason. Every one of them means "not a usable image".
            except Exception:
                raise not_an_image(name) from None
    finally:
        file.seek(0)
    return info


def metadata_not_removable(name):
    return ValidationError(
        "“%(name)s” was not stored: its metadata (such as where a photo was taken) could not be "
        "removed because the file's structure is damaged or unusual. Export a new copy from an "
        "image editor and upload that.",
        code="image_metadata",
        params={"name": name},
    )


def without_metadata(upload, info=None):
    """A copy of an upload without its metadata (``image_metadata``), named like it, or the
    upload itself if it is such a copy already. ``info``, from ``check_image``, must agree with
    the format the bytes start with. Raises a ``ValidationError`` rather than return a file that
    may still carry metadata."""
    if getattr(upload, "metadata_removed", False):
        return upload
    name = _shown_name(upload)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = sniff(data)
    if kind is None or (info is not None and kind != info.format):
        raise not_an_image(name)
    try:
        data = strip_metadata(data)
        if info is not None:
            # The header read again (nothing decoded): what was checked is what is stored.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(BytesIO(data), formats=[info.format]) as image:
                    if (image.width, image.height) != (info.width, info.height):
                        raise MalformedImage("the size changed")
    except (MalformedImage, OSError, ValueError, SyntaxError) as exc:
        logger.info("Refused %s: %s", name, exc)
        raise metadata_not_removable(name) from None
    copy = ContentFile(data, name=upload.name)
    copy.metadata_removed = True
    copy.checked_image = getattr(upload, "checked_image", None)
    copy.content_type = getattr(upload, "content_type", None)
    return copy


def commit_new_image(field_file):
    """Store a newly assigned file without its metadata: the one way a new image reaches the
    storage (``update_renditions`` and ``CheckedImageField.pre_save``), so a script that saves
    a model without ``full_clean()`` cannot store one with its GPS position either."""
    field_file.save(field_file.name, without_metadata(field_file.file), save=False)


def validate_new_image(value):
    """Model validator: check a newly assigned file; a stored one was checked when it came in
    (and re-reading every stored image on each save would be slow, or fail if it is missing).

    The checked file is swapped for its copy without metadata here, so that a file whose
    metadata cannot be removed is a validation error of the field, not an error at save."""
    if not value or getattr(value, "_committed", True):
        return
    upload = getattr(value, "file", value)
    if getattr(upload, "checked_image", None) is None:
        upload.checked_image = check_image(value)
    if not getattr(upload, "metadata_removed", False):
        value.file = without_metadata(upload, upload.checked_image)


class CheckedImageFormField(forms.ImageField):
    """An image upload checked by ``check_image``; the stored name gets the extension of the
    decoded format (a PNG named photo.jpg is stored as photo.png)."""

    # The extension is not evidence of anything: the format comes from decoding.
    default_validators = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = (
                f"JPEG, PNG, WebP or GIF; at most {_megabytes(settings.MAX_IMAGE_UPLOAD_SIZE)} "
                f"and {_megapixels(settings.MAX_IMAGE_PIXELS)}."
            )

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info = check_image(upload)
        upload.checked_image = info
        upload.content_type = MIME_TYPES[info.format]
        stem, _ = posixpath.splitext(upload.name)
        upload.name = f"{stem}.{EXTENSIONS[info.format]}"
        # Only after check_image: the size, pixel and decoding checks come first.
        return without_metadata(upload, info)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "accept" in attrs:
            attrs["accept"] = ",".join(MIME_TYPES.values())
        return attrs


class CheckedImageField(models.ImageField):
    default_validators = [validate_new_image]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CheckedImageFormField, **kwargs})

    def pre_save(self, model_instance, add):
        # Saves that do not go through update_renditions first (bulk_create, the importer's
        # create(), a model without renditions) store new files here.
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            commit_new_image(file)
        return super().pre_save(model_instance, add)


# Renditions ---------------------------------------------------------------------------------


def _rendition_name(source_name, width, extension):
    stem, _ = posixpath.splitext(source_name)
    return f"{RENDITIONS_FOLDER}/{stem}-{width}w.{extension}"


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _flatten(image):
    """RGB for JPEG: transparent areas become white rather than black."""
    if not _has_alpha(image):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def make_renditions(field_file, widths):
    """Write WebP and JPEG copies of a stored image at each width (never wider than the image
    itself) and return the record a ``ResponsiveImage`` is built from, or {} if the stored file
    cannot be used (missing, damaged, or over the limits: saved by a script without
    ``full_clean()``)."""
    storage = field_file.storage
    try:
        with storage.open(field_file.name, "rb") as file:
            data = BytesIO(file.read())
        data.name = field_file.name
        # The upload limit is for uploads; what counts here is what decoding costs.
        check_image(data, limit_size=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(data, formats=ACCEPTED_FORMATS)
            # JPEG can decode at 1/2, 1/4 or 1/8 scale: far less memory for a large photo.
            # Square target: after an EXIF rotation the width is still at least max(widths).
            image.draft("RGB", (max(widths), max(widths)))
            image = ImageOps.exif_transpose(image)
    # A stored file can be missing (OSError) or damaged; EXIF data is read only here, and
    # Pillow's parsers raise these for bad data. None of them may turn a save into an error.
    except (ValidationError, OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
        logger.warning("No renditions for %s: %s", field_file.name, exc)
        return {}

    # Palette and 1-bit images would be resized by nearest neighbour; CMYK and 16-bit cannot be
    # written as WebP: work in RGB(A).
    webp_mode = "RGBA" if _has_alpha(image) else "RGB"
    image = image.convert(webp_mode)
    targets = sorted({min(width, image.width) for width in widths})
    record = {"source": field_file.name, "webp": [], "jpeg": []}
    for width in targets:
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        for key, extension, converted, options in (
            ("webp", "webp", resized, {"quality": 80, "method": 4}),
            (
                "jpeg",
                "jpg",
                _flatten(resized),
                {"quality": 82, "optimize": True, "progressive": True},
            ),
        ):
            buffer = BytesIO()
            converted.save(buffer, key.upper(), **options)
            name = _rendition_name(field_file.name, width, extension)
            # Stable names: regenerating replaces the files instead of adding suffixed copies.
            if storage.exists(name):
                storage.delete(name)
            name = storage.save(name, ContentFile(buffer.getvalue()))
            record[key].append({"name": name, "width": width, "height": height})
    return record


def rendition_names(record):
    return {item["name"] for key in ("webp", "jpeg") for item in (record or {}).get(key, ())}


def _delete_later(storage, names):
    def delete():
        for name in names:
            storage.delete(name)

    if names:
        # After the commit: a rolled-back save must not leave the old record pointing at nothing.
        transaction.on_commit(delete)


def update_renditions(instance, image_field, renditions_field, widths, *, force=False):
    """Bring ``instance.<renditions_field>`` in step with its image, before the row is written.

    A newly assigned file is stored first (what ``FileField.pre_save`` would do a moment later),
    so the renditions are made from the stored file. Returns True if the record changed.
    """
    field_file = getattr(instance, image_field)
    record = getattr(instance, renditions_field) or {}
    if not field_file:
        if record:
            _delete_later(field_file.storage, rendition_names(record))
            setattr(instance, renditions_field, {})
            return True
        return False
    if not field_file._committed:
        commit_new_image(field_file)
    if not force and record.get("source") == field_file.name:
        return False
    new = make_renditions(field_file, widths)
    _delete_later(field_file.storage, rendition_names(record) - rendition_names(new))
    setattr(instance, renditions_field, new)
    return True


def save_with_renditions(instance, image_field, renditions_field, widths, save, kwargs):
    """For a model's ``save()``: update the renditions unless ``update_fields`` leaves the image
    out, and write the record with the row."""
    update_fields = kwargs.get("update_fields")
    if update_fields is None or image_field in update_fields:
        changed = update_renditions(instance, image_field, renditions_field, widths)
        if changed and update_fields is not None:
            kwargs["update_fields"] = {*update_fields, renditions_field}
    save(**kwargs)


@dataclass(frozen=True)
class ResponsiveImage:
    """What ``includes/responsive_image.html`` needs, from a renditions record: URLs only, no
    file access. Without renditions (content saved before they existed, until
    ``make_renditions`` runs) it falls back to the original file, without srcset or sizes."""

    src: str
    width: int | None = None
    height: int | None = None
    srcset: str = ""
    webp_srcset: str = ""
    largest_jpeg: dict | None = None

    @classmethod
    def from_field(cls, field_file, record):
        if not field_file:
            return None
        storage = field_file.storage
        jpegs = (record or {}).get("jpeg") or []
        if not jpegs:
            return cls(src=field_file.url)
        fitting = [item for item in jpegs if item["width"] <= FALLBACK_WIDTH] or jpegs[:1]
        fallback = fitting[-1]

        def srcset(items):
            return ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in items)

        largest = jpegs[-1]
        return cls(
            src=storage.url(fallback["name"]),
            width=fallback["width"],
            height=fallback["height"],
            srcset=srcset(jpegs),
            webp_srcset=srcset(record.get("webp") or []),
            largest_jpeg={**largest, "url": storage.url(largest["name"])},
        )
