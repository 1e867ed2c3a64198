"""Uploaded originals are re-encoded by Pillow once, upright and without their metadata
(policyhub/editorial/images.py: ``without_metadata``)."""

import struct
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageFile, ImageOps

from policyhub.editorial.images import carries_only_pixels, without_metadata
from publications.models import Person, Publication
from tests.factories import (
    PHOTO_SECRETS,
    PersonFactory,
    PublicationFactory,
    gradient,
    icc_profile,
    image_file,
    photo_exif,
    photo_with_metadata,
)
from tests.policyhub.editorial.test_images import (
    add_publication,
    form_errors,
    png_chunk,
    png_header,
)

pytestmark = pytest.mark.django_db


def stored(settings, field_file):
    return (Path(settings.MEDIA_ROOT) / field_file.name).read_bytes()


def assert_no_metadata(data):
    for secret in PHOTO_SECRETS:
        assert secret not in data, secret
    with Image.open(BytesIO(data)) as image:
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"} & set(image.info)


def looks_like(data, expected):
    """The same picture, allowing for lossy re-encoding: compared at 8 × 8."""
    with Image.open(BytesIO(data)) as image:
        small = image.convert("RGB").resize((8, 8))
    difference = ImageChops.difference(small, expected.convert("RGB").resize((8, 8)))
    return max(high for _, high in difference.getextrema()) < 24


def png_chunks(data):
    kinds, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8].decode())
        position += 12 + length
    return kinds


@pytest.mark.parametrize("name", ["field.jpg", "field.png", "field.webp"])
def test_a_sideways_photo_is_stored_upright_without_metadata_and_keeps_its_icc_profile(
    admin_client, settings, name
):
    # EXIF with a GPS position, author and camera serial, XMP, a comment or PNG text chunks, an
    # ICC profile, and orientation 6: turn 90° clockwise to display.
    upload = photo_with_metadata(name, size=(300, 200), orientation=6)
    with Image.open(BytesIO(upload.read())) as original:
        format, upright = original.format, ImageOps.exif_transpose(original)
    upload.seek(0)

    response = add_publication(admin_client, hero_image=upload)

    assert response.status_code == 302, form_errors(response)
    publication = Publication.objects.get()
    data = stored(settings, publication.hero_image)
    assert_no_metadata(data)
    with Image.open(BytesIO(data)) as image:
        assert image.format == format
        assert image.size == (200, 300)
        assert image.info["icc_profile"] == icc_profile()
    assert looks_like(data, upright)
    assert [(r["width"], r["height"]) for r in publication.hero_renditions["jpeg"]] == [(200, 300)]


def test_a_png_loses_its_text_time_and_exif_chunks(admin_client, settings):
    response = add_publication(admin_client, hero_image=photo_with_metadata("a.png", orientation=3))

    assert response.status_code == 302, form_errors(response)
    chunks = png_chunks(stored(settings, Publication.objects.get().hero_image))
    assert chunks[0] == "IHDR" and chunks[-1] == "IEND" and "iCCP" in chunks
    assert not {"tEXt", "zTXt", "iTXt", "tIME", "eXIf"} & set(chunks)


def test_a_camera_jpeg_with_extra_images_after_its_end_is_stored_as_one_plain_jpeg(
    admin_client, settings
):
    # Many cameras write MPF: an index in APP2 and more images (with their own EXIF) after EOI.
    buffer = BytesIO()
    first, second = gradient((200, 100)), gradient((200, 100)).rotate(180)
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=photo_exif())

    response = add_publication(
        admin_client, hero_image=SimpleUploadedFile("cam.jpg", buffer.getvalue())
    )

    assert response.status_code == 302, form_errors(response)
    data = stored(settings, Publication.objects.get().hero_image)
    assert_no_metadata(data)
    assert data.count(b"\xff\xd8\xff") == 1 and b"MPF" not in data
    assert looks_like(data, first)


def animated(format):
    buffer = BytesIO()
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("navy", "gold", "teal")]
    frames[0].save(buffer, format, save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["spinner.gif", "spinner.webp", "spinner.png"])
def test_an_animated_image_is_refused(admin_client, settings, name):
    # Pages show still renditions; each frame would cost a decode and a re-encode.
    data = animated({"gif": "GIF", "webp": "WEBP", "png": "PNG"}[name.rsplit(".", 1)[1]])

    response = add_publication(admin_client, hero_image=SimpleUploadedFile(name, data))

    assert form_errors(response)["hero_image"] == [
        f"“{name}” is animated; pages show still images only. Upload a single frame (a JPEG, "
        "PNG, WebP or GIF file)."
    ]
    assert not Publication.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "heroes").exists()


def test_a_png_with_an_unknown_chunk_is_stored_without_it(admin_client, settings):
    # Pillow skips chunks it does not know; re-encoding writes only what it decoded.
    data = image_file("x.png", size=(60, 40)).read()
    iend = data.rindex(b"IEND") - 4
    data = data[:iend] + png_chunk(b"ABCD", b"Ana Ortiz") + data[iend:]

    response = add_publication(admin_client, hero_image=SimpleUploadedFile("odd.png", data))

    assert response.status_code == 302, form_errors(response)
    assert b"Ana Ortiz" not in stored(settings, Publication.objects.get().hero_image)


# Through the model, as scripts and the factories save --------------------------------------


def test_a_file_saved_without_a_form_is_re_encoded_too(settings):
    person = PersonFactory(photo=photo_with_metadata("ana.jpg", orientation=6))
    publication = PublicationFactory(hero_image=photo_with_metadata("hero.webp", orientation=6))

    for field_file in (person.photo, publication.hero_image):
        data = stored(settings, field_file)
        assert_no_metadata(data)
        assert Image.open(BytesIO(data)).size == (200, 300)


def test_full_clean_reports_an_animated_image_as_an_error_of_the_field():
    publication = PublicationFactory(hero_alt="A harbour")
    publication.hero_image = SimpleUploadedFile("spinner.gif", animated("GIF"))

    with pytest.raises(ValidationError) as refused:
        publication.full_clean()

    assert "is animated" in refused.value.message_dict["hero_image"][0]


def test_a_model_save_refuses_a_file_it_cannot_decode_instead_of_storing_it(settings):
    person = PersonFactory.build(photo=SimpleUploadedFile("notes.png", b"just some text"))

    with pytest.raises(ValidationError, match="is not an image"):
        person.save()

    assert not Person.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "people").exists()


# Bounded work --------------------------------------------------------------------------------


def test_the_default_pixel_limit_refuses_a_36_megapixel_image_before_decoding_it(
    admin_client, monkeypatch
):
    # A full-frame camera's 7,360 × 4,912: seconds of decoding and re-encoding and hundreds of
    # megabytes per upload (bench/README.md, "Image uploads").
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))

    response = add_publication(
        admin_client, hero_image=SimpleUploadedFile("camera.png", png_header(7_360, 4_912))
    )

    assert form_errors(response)["hero_image"] == [
        "“camera.png” is 7,360 × 4,912 pixels; the limit is 25 megapixels."
    ]


def encoded(format, image=None, **options):
    buffer = BytesIO()
    (image or gradient((120, 80))).save(buffer, format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("format", "options"),
    [
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("JPEG", {"restart_marker_blocks": 2}),
        ("JPEG", {"icc_profile": b"profile"}),
        ("WEBP", {}),
        ("WEBP", {"lossless": True, "icc_profile": b"profile"}),
    ],
)
def test_a_file_with_nothing_to_remove_is_recognised(format, options):
    data = encoded(format, **options)

    assert carries_only_pixels(data, format)
    # What without_metadata makes of it is such a file too.
    upload = SimpleUploadedFile(f"x.{format.lower()}", data)
    assert carries_only_pixels(without_metadata(upload).read(), format)


@pytest.mark.parametrize(
    ("format", "options", "after"),
    [
        ("JPEG", {"exif": photo_exif()}, b""),
        ("JPEG", {"comment": b"at the harbour"}, b""),
        ("JPEG", {"xmp": b"<x/>"}, b""),
        ("JPEG", {}, b"at the harbour"),  # data after the image's end
        ("WEBP", {"exif": photo_exif()}, b""),
        ("WEBP", {"xmp": b"<x/>"}, b""),
        ("WEBP", {}, b"XTRA\x02\x00\x00\x00ab"),
        ("PNG", {}, b""),  # re-encoding a PNG is lossless: it always goes through it
    ],
)
def test_a_file_with_anything_else_is_not(format, options, after):
    assert not carries_only_pixels(encoded(format, **options) + after, format)


def test_a_damaged_file_is_not_taken_as_clean():
    data = encoded("JPEG")

    assert not carries_only_pixels(data[: len(data) // 2], "JPEG")
    assert not carries_only_pixels(b"\xff\xd8\xff", "JPEG")
    assert not carries_only_pixels(encoded("WEBP")[:-3], "WEBP")
