"""Uploaded originals are stored without their metadata (publications/image_metadata.py)."""

import struct
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageSequence

from policyhub.editorial import image_metadata, images
from policyhub.editorial.image_metadata import MalformedImage, strip_metadata
from publications.models import Person, Publication
from tests.factories import (
    PHOTO_SECRETS,
    PHOTO_XMP,
    PersonFactory,
    PublicationFactory,
    gradient,
    icc_profile,
    image_file,
    photo_exif,
    photo_with_metadata,
)
from tests.policyhub.editorial.test_images import add_publication, form_errors, png_chunk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stored(settings, field_file):
    return (Path(settings.MEDIA_ROOT) / field_file.name).read_bytes()


def pixels(data, frame=0):
    with Image.open(BytesIO(data)) as image:
        image.seek(frame)
        return image.convert("RGBA").tobytes()


def assert_no_secrets(data):
    for secret in PHOTO_SECRETS:
        assert secret not in data, secret
    with Image.open(BytesIO(data)) as image:
        exif = image.getexif()
        assert 0x8825 not in exif and not exif.get_ifd(0x8825)
        assert not {"xmp", "XML:com.adobe.xmp", "comment"} & set(image.info)


def png_chunks(data):
    kinds, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8].decode())
        position += 12 + length
    return kinds


def riff_chunks(data):
    kinds, position = [], 12
    while position < len(data):
        (length,) = struct.unpack("<I", data[position + 4 : position + 8])
        kinds.append(data[position : position + 4].decode())
        position += 8 + length + (length & 1)
    return kinds


def gif_with_xmp(upload):
    """Pillow writes no XMP into GIFs: add an "XMP DataXMP" application extension (its data is
    followed by the 258-byte "magic trailer" that ends any sub-block walk) before the trailer."""
    data = upload.read()
    magic = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
    xmp = b"\x21\xff\x0bXMP DataXMP" + PHOTO_XMP + magic
    return SimpleUploadedFile(upload.name, data[:-1] + xmp + data[-1:])


# Through the admin form -----------------------------------------------------------------------


def test_a_jpeg_is_stored_without_exif_xmp_iptc_or_comment_and_losslessly(admin_client, settings):
    upload = photo_with_metadata("field.jpg")
    original = upload.read()
    # An IPTC record (APP13, Photoshop 3.0) naming the city; Pillow writes none itself.
    record = b"\x1c\x02\x5a" + struct.pack(">H", 14) + b"at the harbour"
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    original = original[:2] + b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc + original[2:]
    with Image.open(BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825)[2] == (64.0, 8.0, 30.0)
        assert image.info["xmp"] and image.info["comment"]

    response = add_publication(admin_client, hero_image=SimpleUploadedFile("field.jpg", original))

    assert response.status_code == 302, form_errors(response)
    data = stored(settings, Publication.objects.get().hero_image)
    assert_no_secrets(data)
    assert b"Exif" not in data and b"Photoshop" not in data
    with Image.open(BytesIO(data)) as image, Image.open(BytesIO(original)) as before:
        assert dict(image.getexif()) == {}
        assert image.info["icc_profile"] == icc_profile()
        assert image.quantization == before.quantization
    assert pixels(data) == pixels(original)
    # No re-encode: the compressed scan is the same bytes (a JPEG made by Pillow has one scan).
    scan = original.rindex(b"\xff\xda")
    assert data.endswith(original[scan:])
    assert len(data) < len(original)


def test_a_sideways_photo_keeps_only_its_orientation(admin_client, settings):
    upload = photo_with_metadata("phone.jpg", size=(600, 300), orientation=6)

    response = add_publication(admin_client, hero_image=upload)

    assert response.status_code == 302, form_errors(response)
    publication = Publication.objects.get()
    data = stored(settings, publication.hero_image)
    assert_no_secrets(data)
    with Image.open(BytesIO(data)) as image:
        assert dict(image.getexif()) == {0x0112: 6}
        assert image.info["exif"] == b"Exif\x00\x00" + image_metadata.orientation_exif(6)
    # The renditions, made from the stored file, are still turned upright.
    assert [(r["width"], r["height"]) for r in publication.hero_renditions["jpeg"]] == [(300, 600)]


def test_an_orientation_given_only_in_xmp_is_kept_as_exif(settings):
    buffer = BytesIO()
    xmp = b'<x:xmpmeta><rdf:Description tiff:Orientation="8"/></x:xmpmeta>'
    gradient((200, 100)).save(buffer, "JPEG", xmp=b"http://ns.adobe.com/xap " + xmp)
    with Image.open(BytesIO(buffer.getvalue())) as image:
        assert image.getexif()[0x0112] == 8  # Pillow reads XMP orientation when EXIF has none

    person = PersonFactory(photo=SimpleUploadedFile("p.jpg", buffer.getvalue()))

    data = stored(settings, person.photo)
    assert b"xmpmeta" not in data
    with Image.open(BytesIO(data)) as image:
        assert dict(image.getexif()) == {0x0112: 8}
    assert [(r["width"], r["height"]) for r in person.photo_renditions["jpeg"]] == [(100, 200)]


def test_a_png_loses_its_text_exif_and_time_chunks_and_keeps_its_icc_profile(
    admin_client, settings
):
    original = photo_with_metadata("field.png").read()
    assert {"eXIf", "tEXt", "zTXt", "iTXt", "tIME", "iCCP"} <= set(png_chunks(original))

    response = add_publication(admin_client, hero_image=SimpleUploadedFile("field.png", original))

    assert response.status_code == 302, form_errors(response)
    data = stored(settings, Publication.objects.get().hero_image)
    assert_no_secrets(data)
    assert png_chunks(data) == ["IHDR", "iCCP", "IDAT", "IEND"]
    with Image.open(BytesIO(data)) as image:
        assert image.info["icc_profile"] == icc_profile()
        assert dict(image.getexif()) == {}
    assert pixels(data) == pixels(original)


def test_a_webp_loses_its_exif_and_xmp_chunks_and_flags(admin_client, settings):
    original = photo_with_metadata("field.webp").read()
    assert {"EXIF", "XMP "} <= set(riff_chunks(original))

    response = add_publication(admin_client, hero_image=SimpleUploadedFile("field.webp", original))

    assert response.status_code == 302, form_errors(response)
    data = stored(settings, Publication.objects.get().hero_image)
    assert_no_secrets(data)
    assert riff_chunks(data) == ["VP8X", "ICCP", "VP8 "]
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8  # RIFF size
    flags = data[20]
    assert flags & 0x20  # ICC profile
    assert not flags & 0x08 and not flags & 0x04  # EXIF, XMP
    with Image.open(BytesIO(data)) as image:
        assert image.info["icc_profile"] == icc_profile()
        assert dict(image.getexif()) == {}
    assert pixels(data) == pixels(original)


def test_an_animated_gif_stays_animated_without_its_comment_and_xmp(admin_client, settings):
    frames = [gradient((120, 80)).quantize(), gradient((120, 80)).rotate(180).quantize()]
    buffer = BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=[100, 250],
        loop=0,
        comment=b"at the harbour",
    )
    upload = gif_with_xmp(SimpleUploadedFile("field.gif", buffer.getvalue()))
    original = upload.read()
    with Image.open(BytesIO(original)) as image:
        assert image.info["comment"] and image.n_frames == 2
    upload.seek(0)

    response = add_publication(admin_client, hero_image=upload)

    assert response.status_code == 302, form_errors(response)
    data = stored(settings, Publication.objects.get().hero_image)
    assert_no_secrets(data)
    assert b"XMP DataXMP" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.n_frames == 2
        assert image.info["loop"] == 0
        durations = [image.info["duration"] for _ in ImageSequence.Iterator(image)]
    assert durations == [100, 250]
    for frame in (0, 1):
        assert pixels(data, frame) == pixels(original, frame)


def test_a_photo_with_extra_images_after_its_end_is_stored_as_one_plain_jpeg(
    admin_client, settings
):
    # Many cameras write MPF: an index in APP2 and more images (with their own EXIF) after EOI.
    buffer = BytesIO()
    first, second = gradient((200, 100)), gradient((200, 100)).rotate(180)
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=photo_exif())
    original = buffer.getvalue()
    assert original.count(b"\xff\xd8\xff") == 2

    response = add_publication(admin_client, hero_image=SimpleUploadedFile("cam.jpg", original))

    assert response.status_code == 302, form_errors(response)
    data = stored(settings, Publication.objects.get().hero_image)
    assert_no_secrets(data)
    assert data.count(b"\xff\xd8\xff") == 1 and b"MPF" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG"
    assert pixels(data) == pixels(original)


def test_a_jfif_thumbnail_is_dropped_with_the_rest():
    # EXIF thumbnails go with APP1; JFIF's own optional thumbnail (raw RGB) may also show what
    # was cropped away.
    original = image_file("a.jpg", size=(60, 40)).read()
    (length,) = struct.unpack(">H", original[4:6])
    header = original[6:18] + b"\x02\x01"  # a 2 × 1 pixel thumbnail follows
    thumbnail = b"\xff\x00\x00" * 2
    segment = b"\xff\xe0" + struct.pack(">H", 2 + len(header) + len(thumbnail))
    with_thumbnail = original[:2] + segment + header + thumbnail + original[4 + length :]
    assert pixels(with_thumbnail) == pixels(original)

    assert strip_metadata(with_thumbnail) == original


# Through the model, as scripts and the factories save --------------------------------------


def test_a_file_saved_without_a_form_is_stored_without_metadata_too(settings):
    person = PersonFactory(photo=photo_with_metadata("ana.jpg"))
    publication = PublicationFactory(hero_image=photo_with_metadata("hero.webp"))

    assert_no_secrets(stored(settings, person.photo))
    assert_no_secrets(stored(settings, publication.hero_image))


def test_full_clean_then_save_stores_the_file_without_metadata(settings):
    publication = PublicationFactory(hero_alt="A harbour")
    publication.hero_image = photo_with_metadata("hero.png")

    publication.full_clean()
    publication.save()

    assert_no_secrets(stored(settings, publication.hero_image))


# Refusals -------------------------------------------------------------------------------------


def png_with_unknown_critical_chunk():
    """A PNG Pillow decodes (it skips chunks it does not know) whose structure the stripper
    does not accept: an unknown critical chunk could carry anything."""
    data = image_file("x.png", size=(60, 40)).read()
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + png_chunk(b"ABCD", b"Ana Ortiz") + data[iend:]


def test_a_file_whose_metadata_cannot_be_removed_is_refused_with_a_form_error(
    admin_client, settings
):
    data = png_with_unknown_critical_chunk()
    with Image.open(BytesIO(data)) as image:
        image.load()  # Pillow's checks pass

    response = add_publication(admin_client, hero_image=SimpleUploadedFile("odd.png", data))

    assert form_errors(response)["hero_image"] == [
        "“odd.png” was not stored: its metadata (such as where a photo was taken) could not be "
        "removed because the file's structure is damaged or unusual. Export a new copy from an "
        "image editor and upload that."
    ]
    assert not Publication.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "heroes").exists()


def test_a_model_save_refuses_such_a_file_instead_of_storing_it(settings):
    person = PersonFactory.build(
        photo=SimpleUploadedFile("odd.png", png_with_unknown_critical_chunk())
    )

    with pytest.raises(ValidationError, match="could not be removed"):
        person.save()

    assert not Person.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "people").exists()

    person.photo = SimpleUploadedFile("notes.png", b"just some text")
    with pytest.raises(ValidationError, match="is not an image"):
        person.save()


def test_full_clean_reports_it_as_an_error_of_the_field():
    publication = PublicationFactory(hero_alt="A harbour")
    publication.hero_image = SimpleUploadedFile("odd.png", png_with_unknown_critical_chunk())

    with pytest.raises(ValidationError) as refused:
        publication.full_clean()

    assert "could not be removed" in refused.value.message_dict["hero_image"][0]


@pytest.mark.parametrize("limit", ["size", "pixels"])
def test_the_existing_checks_run_before_the_file_is_parsed(
    admin_client, settings, monkeypatch, limit
):
    monkeypatch.setattr(images, "strip_metadata", lambda data: pytest.fail("parsed"))
    if limit == "size":
        settings.MAX_IMAGE_UPLOAD_SIZE = 1000
    else:
        settings.MAX_IMAGE_PIXELS = 1000

    response = add_publication(admin_client, hero_image=photo_with_metadata("field.jpg"))

    assert "“field.jpg” is " in form_errors(response)["hero_image"][0]


def valid(format):
    return photo_with_metadata(f"x.{format}", size=(60, 40)).read()


def insert_after_first_segment(data):
    (length,) = struct.unpack(">H", data[4:6])
    return data[: 4 + length] + b"\x00" + data[4 + length :]


def with_chunk_size(data, kind, size):
    at = data.index(kind) + 4
    return data[:at] + struct.pack("<I", size) + data[at + 4 :]


MALFORMED = {
    "jpeg segment past the end": lambda: b"\xff\xd8\xff\xe1\xff\xf0Exif\x00\x00II*\x00",
    "jpeg without EOI": lambda: valid("jpg")[:-2],
    "jpeg with garbage between segments": lambda: insert_after_first_segment(valid("jpg")),
    "png without IEND": lambda: valid("png")[:-12],
    "png chunk past the end": lambda: valid("png")[:8] + struct.pack(">I", 2**20) + b"IHDR",
    "png not starting with IHDR": lambda: valid("png")[:8] + png_chunk(b"tEXt", b"a\x00b"),
    "webp riff size past the end": lambda: b"RIFF\xff\xff\x00\x00WEBP" + valid("webp")[12:],
    "webp chunk past the end": lambda: with_chunk_size(valid("webp"), b"ICCP", 2**30),
    "gif without trailer": lambda: valid("gif")[:-1],
    "gif sub-block past the end": lambda: valid("gif")[:-40],
    "gif unknown block": lambda: valid("gif")[:-1] + b"\x99;",
    "not an image": lambda: b"just some text",
}


@pytest.mark.parametrize("case", MALFORMED)
def test_the_parsers_fail_closed_on_a_malformed_file(case):
    with pytest.raises(MalformedImage):
        strip_metadata(MALFORMED[case]())


# Idempotence ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.jpg", "a.png", "a.webp", "a.gif"])
def test_stripping_is_idempotent_and_leaves_a_clean_file_as_it_is(name):
    once = strip_metadata(photo_with_metadata(name, orientation=3).read())
    assert strip_metadata(once) == once
    clean = image_file(name, size=(50, 40)).read()
    assert strip_metadata(clean) == clean


# Stored originals: manage.py strip_image_metadata --------------------------------------------


def run(*args):
    out = StringIO()
    call_command("strip_image_metadata", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def stored_with_metadata(settings):
    """Originals stored before uploads were cleaned: the current hero image, the one an older
    revision points to, a replaced file no row refers to, a person's photo, and a damaged file."""

    def put(name, upload):
        return default_storage.save(name, ContentFile(upload.read()))

    publication = PublicationFactory(hero_image=image_file("first.png"))  # revision 1
    publication.hero_image = image_file("second.png")
    publication.save()
    person = PersonFactory()
    names = {
        "current": put("heroes/2025/current.jpg", photo_with_metadata("c.jpg", orientation=6)),
        "old revision": put("heroes/2024/old.png", photo_with_metadata("o.png")),
        "stray": put("heroes/2024/stray.webp", photo_with_metadata("s.webp")),
        "photo": put("people/ana.gif", gif_with_xmp(photo_with_metadata("a.gif"))),
    }
    broken = default_storage.save("people/broken.jpg", ContentFile(b"\xff\xd8\xff\xe1"))
    Publication.objects.filter(pk=publication.pk).update(hero_image=names["current"])
    Publication.history.filter(hero_image__endswith="first.png").update(
        hero_image=names["old revision"]
    )
    Person.objects.filter(pk=person.pk).update(photo=names["photo"])
    return {key: Path(settings.MEDIA_ROOT) / name for key, name in names.items()}, broken


def test_the_command_strips_every_stored_original(stored_with_metadata):
    paths, broken = stored_with_metadata
    before = {key: path.read_bytes() for key, path in paths.items()}

    output = run()

    # Four with metadata; first.png and second.png (stored by this version) had none.
    assert "Removed metadata from 4 image(s); 2 had none." in output
    assert "1 file(s) could not be read or cleaned" in output and broken in output
    for key, path in paths.items():
        data = path.read_bytes()
        assert_no_secrets(data)
        assert pixels(data) == pixels(before[key])
    with Image.open(paths["current"]) as image:
        assert dict(image.getexif()) == {0x0112: 6}


def test_the_command_changes_nothing_the_second_time_or_in_a_dry_run(stored_with_metadata):
    paths, _ = stored_with_metadata
    assert "Would remove metadata from 4 image(s)" in run("--dry-run")
    assert b"Ana Ortiz" in paths["current"].read_bytes()
    run()
    written = {key: path.stat().st_mtime_ns for key, path in paths.items()}

    output = run()

    assert "Removed metadata from 0 image(s); 6 had none." in output
    assert {key: path.stat().st_mtime_ns for key, path in paths.items()} == written
