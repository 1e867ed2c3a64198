"""Uploaded images: checked before they are stored, re-encoded once, resized once when saved.

Django's ``ImageField`` accepts anything Pillow can open (a 12 KiB PNG declaring 10000×10000
pixels, a TIFF, a file named .jpg that is a GIF) and would leave resizing to request time. Here:

- ``open_image`` refuses a file that is too large, whose header declares too many pixels (before
  anything is decoded, so a pixel bomb costs nothing), that is not JPEG/PNG/WebP/GIF (SVG can carry
  scripts and is never accepted), that is animated, or that does not decode to the end; it
  returns the decoded image (``check_image`` only checks).
- ``CheckedImageField`` runs it in forms (the admin) and, for new files, in ``full_clean()``.
- ``without_metadata`` then re-encodes the decoded image in its own format with Pillow, upright
  (EXIF orientation applied) and with nothing but its pixels and ICC colour profile: no EXIF
  (GPS position, camera serial, author), XMP, IPTC, PNG text or comments. Every new file is
  stored through it (``commit_new_image``), also one saved by a script without a form.
- ``update_renditions`` writes WebP and JPEG copies at a few widths under ``renditions/`` when the
  model is saved (from the image already decoded for an upload), and records their names and sizes
  in a JSON field; reader pages build ``<img srcset>`` from that record (``ResponsiveImage``) and
  never open an image themselves.
- ``delete_files_on_rollback`` (the admin's change forms) and ``delete_files_on_error`` (every
  model save) remove the files a save wrote when it fails or its transaction rolls back.
"""

import contextvars
import logging
import posixpath
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, models, transaction
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# What a re-encoded original keeps of the decoder's ``info``: colour and transparency, nothing
# about the photo (a whitelist, so metadata Pillow learns to read later is dropped too).
KEPT_INFO = ("icc_profile", "transparency")

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


def open_image(file, *, limit_size=True, draft=None):
    """Check an image file and return its ``ImageInfo`` and its decoded (first) frame, or raise
    a ``ValidationError``.

    Cheap checks first: the file size, then the pixel count from the header. Only an image within
    both limits is decoded, once (``verify()`` then ``load()`` of a fresh copy: a truncated or
    corrupt file fails here, not later while making renditions). ``draft`` (a width) lets a JPEG
    decode at 1/2, 1/4 or 1/8 scale when only a smaller copy is needed.
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
            # opens as MPO; it is stored as the plain JPEG it starts with.
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
                # Pages show still renditions, and each frame would cost a full decode.
                animated = image.format != "MPO" and getattr(image, "is_animated", False)
                image.verify()
                if not animated:
                    file.seek(0)
                    image = Image.open(file, formats=[info.format])
                    if draft:
                        image.draft("RGB", (draft, draft))
                    image.load()
            # Pillow's decoders raise many exception types for damaged data (OSError,
            # SyntaxError, struct.error, EOFError, zlib.error...); Django's ImageField catches
            # Exception here for the same reason. Every one of them means "not a usable image".
            except Exception:
                raise not_an_image(name) from None
            if animated:
                raise ValidationError(
                    "“%(name)s” is animated; pages show still images only. Upload a single "
                    "frame (a JPEG, PNG, WebP or GIF file).",
                    code="image_animated",
                    params={"name": name},
                )
    finally:
        file.seek(0)
    return info, image


def check_image(file, *, limit_size=True):
    """The ``ImageInfo`` of an acceptable image file (``open_image``), or a ``ValidationError``."""
    info, image = open_image(file, limit_size=limit_size)
    image.close()
    return info


def _encoded(image, format):
    """The image written in ``format`` with only its pixels, transparency and ICC profile."""
    options = {"icc_profile": image.info.get("icc_profile")}
    if format == "JPEG":
        # A JPEG keeps its own quantisation tables: one more generation, no bigger file.
        options["quality"] = "keep" if image.format == "JPEG" else 90
    elif format == "WEBP":
        options.update(quality=90, method=4)
    elif format == "PNG":
        # Lossless either way; level 6 takes twice the time for files a quarter smaller.
        options["compress_level"] = 3
    buffer = BytesIO()
    image.save(buffer, format, **{k: v for k, v in options.items() if v is not None})
    return buffer.getvalue()


def without_metadata(upload, info=None, image=None):
    """A copy of an upload re-encoded without its metadata, upright, named like it, or the
    upload itself if it is such a copy already. ``info`` and ``image`` come from ``open_image``
    (it is called here without them). The decoded, upright image rides along on the copy
    (``copy.image``) so the renditions need not decode the file again."""
    if getattr(upload, "metadata_removed", False):
        return upload
    if image is None:
        info, image = open_image(upload)
    name = _shown_name(upload)
    try:
        # Orientation applied to the pixels: the EXIF tag that said how goes with the rest.
        ImageOps.exif_transpose(image, in_place=True)
        image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
        data = _encoded(image, info.format)
    # Damaged EXIF data is read only here; as in ``open_image``, any error means "not usable".
    except Exception:
        logger.info("Refused %s: could not be re-encoded", name, exc_info=True)
        raise not_an_image(name) from None
    copy = ContentFile(data, name=upload.name)
    copy.metadata_removed = True
    copy.image = image
    copy.content_type = getattr(upload, "content_type", None)
    return copy


# The application segments a JPEG made by ``without_metadata`` may hold, by their content.
_JPEG_KEPT_SEGMENTS = {"APP0": b"JFIF\0", "APP2": b"ICC_PROFILE\0", "APP14": b"Adobe"}


def carries_only_pixels(data, format):
    """Whether a JPEG or WebP file holds nothing ``without_metadata`` would remove (only its
    image, colour profile and transparency), so it may be stored as it is: re-encoding a lossy
    format again would change its bytes, and lose quality, every time. Always false for other
    formats, whose re-encoding is lossless. Read from Pillow's parse of the headers."""
    if format not in ("JPEG", "WEBP"):
        return False
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != format or {"exif", "xmp", "comment"} & image.info.keys():
                return False
            if format == "JPEG":
                # Nothing after the image's end, and no segment but the colour ones.
                return data.endswith(b"\xff\xd9") and all(
                    name in _JPEG_KEPT_SEGMENTS and segment.startswith(_JPEG_KEPT_SEGMENTS[name])
                    for name, segment in image.applist
                )
            # A WebP file is one RIFF chunk: its declared size covers every byte.
            return int.from_bytes(data[4:8], "little") + 8 == len(data)
    except (OSError, ValueError, SyntaxError):
        return False


# Files written during a save ------------------------------------------------------------------

_written = contextvars.ContextVar("images_written", default=None)


def _stored(storage, name):
    """Note a file just written, for ``delete_files_on_rollback``."""
    written = _written.get()
    if written is not None:
        written.append((storage, name))


def note_written(storage, name):
    """For other file fields (documents): a file this save wrote, deleted if the save fails or
    rolls back inside ``delete_files_on_error`` / ``delete_files_on_rollback``."""
    _stored(storage, name)


def _delete(written):
    for storage, name in written:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete %s after a failed save", name)


def delete_written(written):
    """Delete the files noted by a ``delete_files_on_error`` block whose writes were only tried
    (a working copy that is rolled back); an outer block (None) deletes them itself."""
    if written:
        _delete(written)


@contextmanager
def delete_files_on_error():
    """Delete the originals and renditions written inside the block if it raises: no row
    refers to them. A nested block leaves that to the outermost one."""
    if _written.get() is not None:
        yield None
        return
    written = []
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        _delete(written)
        raise
    finally:
        _written.reset(token)


@contextmanager
def delete_files_on_rollback(using=DEFAULT_DB_ALIAS):
    """Run the block in a transaction; if it rolls back (an exception, or ``set_rollback``),
    the files written inside are deleted."""
    with delete_files_on_error() as written:
        with transaction.atomic(using=using):
            yield
            rolled_back = transaction.get_rollback(using=using)
        if rolled_back and written:
            _delete(written)


def commit_new_image(field_file):
    """Store a newly assigned file without its metadata: the one way a new image reaches the
    storage (``update_renditions`` and ``CheckedImageField.pre_save``), so a script that saves
    a model without ``full_clean()`` cannot store one with its GPS position either. Returns the
    stored copy."""
    copy = without_metadata(field_file.file)
    field_file.save(field_file.name, copy, save=False)
    _stored(field_file.storage, field_file.name)
    return copy


def validate_new_image(value):
    """Model validator: check a newly assigned file; a stored one was checked when it came in
    (and re-reading every stored image on each save would be slow, or fail if it is missing).

    The checked file is swapped for its re-encoded copy here, so that a file Pillow cannot
    re-encode is a validation error of the field, not an error at save."""
    if not value or getattr(value, "_committed", True):
        return
    upload = getattr(value, "file", value)
    if not getattr(upload, "metadata_removed", False):
        value.file = without_metadata(upload)


class CheckedImageFormField(forms.ImageField):
    """An image upload checked by ``open_image`` and re-encoded; the stored name gets the
    extension of the decoded format (a PNG named photo.jpg is stored as photo.png)."""

    # The extension is not evidence of anything: the format comes from decoding.
    default_validators = []

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.help_text:
            self.help_text = (
                f"JPEG, PNG, WebP or GIF, not animated; at most "
                f"{_megabytes(settings.MAX_IMAGE_UPLOAD_SIZE)} and "
                f"{_megapixels(settings.MAX_IMAGE_PIXELS)}."
            )

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        info, image = open_image(upload)
        stem, _ = posixpath.splitext(upload.name)
        upload.name = f"{stem}.{EXTENSIONS[info.format]}"
        upload.content_type = MIME_TYPES[info.format]
        return without_metadata(upload, info, image)

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


def _working_copy(image, size):
    """The image at ``size`` (no larger than it is) in RGB(A): palette and 1-bit images would be
    resized by nearest neighbour, CMYK and 16-bit cannot be written as WebP."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    if image.mode not in ("RGB", "RGBA", "L") or "transparency" in image.info:
        image = image.convert(mode)
    if size != image.size:
        # A fast box reduction by a whole factor first (once the image is over 3 times the
        # width), then Lanczos over at most 1.5 times the target: half the time of Lanczos alone.
        image = image.resize(size, Image.LANCZOS, reducing_gap=1.5)
    return image.convert(mode) if image.mode != mode else image


def make_renditions(field_file, widths, image=None):
    """Write WebP and JPEG copies of a stored image at each width (never wider than the image
    itself) and return the record a ``ResponsiveImage`` is built from, or {} if the stored file
    cannot be used (missing, damaged, or over the limits: saved by a script without
    ``full_clean()``). ``image``, the upright decoded upload, saves reading the file again."""
    storage = field_file.storage
    if image is None:
        try:
            with storage.open(field_file.name, "rb") as file:
                data = BytesIO(file.read())
            data.name = field_file.name
            # The upload limit is for uploads; what counts here is what decoding costs. Square
            # draft target: after an EXIF rotation the width is still at least max(widths).
            _, image = open_image(data, limit_size=False, draft=max(widths))
            # Originals stored before uploads were re-encoded may still be sideways.
            image = ImageOps.exif_transpose(image)
        # A stored file can be missing (OSError) or damaged; EXIF data is read only here, and
        # Pillow's parsers raise many types for bad data. None may turn a save into an error.
        except Exception as exc:
            logger.warning("No renditions for %s: %s", field_file.name, exc)
            return {}

    record = {"source": field_file.name, "webp": [], "jpeg": []}
    full_width, full_height = image.size
    # Largest first: each smaller copy is made from the one before, not from the original.
    for width in sorted({min(width, full_width) for width in widths}, reverse=True):
        image = _working_copy(image, (width, max(1, round(full_height * width / full_width))))
        for key, extension, converted, options in (
            ("webp", "webp", image, {"quality": 80, "method": 4}),
            (
                "jpeg",
                "jpg",
                _flatten(image),
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
            _stored(storage, name)
            record[key].insert(0, {"name": name, "width": width, "height": image.height})
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
    decoded = None
    if not field_file._committed:
        stored = commit_new_image(field_file)
        # Once used, let the decoded pixels go rather than keep them with the upload.
        decoded, stored.image = stored.image, None
    if not force and record.get("source") == field_file.name:
        return False
    new = make_renditions(field_file, widths, decoded)
    _delete_later(field_file.storage, rendition_names(record) - rendition_names(new))
    setattr(instance, renditions_field, new)
    return True


def save_with_renditions(instance, image_field, renditions_field, widths, save, kwargs):
    """For a model's ``save()``: update the renditions unless ``update_fields`` leaves the image
    out, and write the record with the row. If the row cannot be written, the files written for
    it are deleted (a transaction around the save, as the admin's, does the same on rollback)."""
    with delete_files_on_error():
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
