import struct
import subprocess
import sys
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from PIL import Image

from policyhub.editorial import images
from policyhub.editorial.images import check_image
from policyhub.editorial.revisions import restore
from publications.admin import PublicationAdmin
from publications.models import Person, Publication
from tests.factories import (
    HomeSlotFactory,
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    image_file,
)
from tests.test_query_budgets import PAGES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width, height, bit_depth=8, idat=None):
    """A grey PNG whose header declares width × height pixels; without ``idat``, with (almost) no
    pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00") if idat is None else idat)
        + png_chunk(b"IEND", b"")
    )


def add_publication(admin_client, **fields):
    data = {
        "title": "With a picture",
        "slug": "with-a-picture",
        "publication_type": PublicationTypeFactory().pk,
        "summary": "A summary.",
        "body": "<p>Text</p>",
        "tags": "",
        "status": "draft",
        "hero_alt": "Flags at an ice rink",
        "authorships-TOTAL_FORMS": "0",
        "authorships-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "document_attachments-TOTAL_FORMS": "0",
        "document_attachments-INITIAL_FORMS": "0",
        **fields,
    }
    return admin_client.post(reverse("admin:publications_publication_add"), data)


def form_errors(response):
    assert response.status_code == 200, "expected the form again, with errors"
    return response.context["adminform"].form.errors


# Refusals, through the admin form -------------------------------------------------------------


def test_a_file_that_is_not_an_image_is_refused_with_its_name(admin_client):
    response = add_publication(
        admin_client, hero_image=SimpleUploadedFile("notes.txt", b"just some text")
    )

    assert form_errors(response)["hero_image"] == [
        "“notes.txt” is not an image the site accepts: upload a JPEG, PNG, WebP or GIF file "
        "(SVG is not accepted)."
    ]
    assert not Publication.objects.exists()


def test_svg_is_refused(admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = add_publication(admin_client, hero_image=SimpleUploadedFile("logo.svg", svg))

    assert "“logo.svg” is not an image" in form_errors(response)["hero_image"][0]


def test_other_formats_pillow_reads_are_refused(admin_client):
    response = add_publication(admin_client, hero_image=image_file("scan.bmp"))

    assert "“scan.bmp” is not an image" in form_errors(response)["hero_image"][0]


def test_a_truncated_image_is_refused(admin_client):
    whole = image_file("photo.jpg", size=(200, 100)).read()
    response = add_publication(
        admin_client, hero_image=SimpleUploadedFile("photo.jpg", whole[: len(whole) // 2])
    )

    assert "“photo.jpg” is not an image" in form_errors(response)["hero_image"][0]


def test_an_oversized_file_is_refused(admin_client, settings):
    settings.MAX_IMAGE_UPLOAD_SIZE = 1000
    upload = image_file("big.jpg", size=(300, 300))
    assert upload.size > 1000

    response = add_publication(admin_client, hero_image=upload)

    assert form_errors(response)["hero_image"] == ["“big.jpg” is larger than 1,000 bytes."]


def test_the_default_size_limit_is_10_mb():
    assert django_settings.MAX_IMAGE_UPLOAD_SIZE == 10 * 1024 * 1024
    just_over = InMemoryUploadedFile(
        None, "hero_image", "huge.jpg", "image/jpeg", size=10 * 1024 * 1024 + 1, charset=None
    )

    with pytest.raises(ValidationError) as refused:
        check_image(just_over)

    assert refused.value.messages == ["“huge.jpg” is larger than 10 MB."]


def test_an_image_with_too_many_pixels_is_refused_from_its_header(admin_client):
    response = add_publication(
        admin_client, hero_image=SimpleUploadedFile("huge.png", png_header(12_000, 12_000))
    )

    assert form_errors(response)["hero_image"] == [
        "“huge.png” is 12,000 × 12,000 pixels; the limit is 25 megapixels."
    ]


def test_the_pixel_limit_follows_the_setting(settings):
    settings.MAX_IMAGE_PIXELS = 1_000
    with pytest.raises(ValidationError, match="is 40 × 30 pixels; the limit is 0.001 megapixels"):
        check_image(image_file("small.png", size=(40, 30)))
    settings.MAX_IMAGE_PIXELS = 1_200
    assert check_image(image_file("small.png", size=(40, 30))).width == 40


def test_a_pixel_bomb_beyond_pillows_own_limit_is_refused_not_a_500(admin_client):
    # 10^10 pixels: Pillow raises DecompressionBombError while reading the header.
    response = add_publication(
        admin_client, hero_image=SimpleUploadedFile("bomb.png", png_header(100_000, 100_000))
    )

    [message] = form_errors(response)["hero_image"]
    assert message.startswith("“bomb.png” has more than ")
    assert message.endswith("; the limit is 25 megapixels.")


BOMB_CHECK = """
import resource, sys
from django.conf import settings
settings.configure(MAX_IMAGE_UPLOAD_SIZE=10 * 1024 * 1024, MAX_IMAGE_PIXELS=40_000_000)
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image
from policyhub.editorial.images import check_image
from policyhub.editorial.revisions import restore

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

def images_made():
    return Image.core.get_stats()["new_count"]

before, made = peak(), images_made()
with open(sys.argv[1], "rb") as f:
    try:
        check_image(File(f, name="bomb.png"))
        print("accepted")
    except ValidationError as error:
        print(error.messages[0])
print(peak() - before, images_made() - made)
Image.MAX_IMAGE_PIXELS = None
with Image.open(sys.argv[1]) as image:
    image.load()
print(images_made() - made)
"""


def test_a_real_pixel_bomb_is_refused_without_decoding_it(tmp_path):
    """A valid PNG of under 1 MB of 12,000 × 12,000 black pixels (144 MB once decoded), checked in a
    fresh process whose peak memory is measured. Pillow counts the image buffers it allocates:
    none during the check; decoding the file afterwards shows the count does see one."""
    path = tmp_path / "bomb.png"
    width = height = 12_000
    compressor = zlib.compressobj(1)
    row = b"\x00" * (1 + width)  # filter byte + one grey byte per pixel
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    path.write_bytes(png_header(width, height, idat=idat))
    assert path.stat().st_size < 1_000_000

    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", BOMB_CHECK, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    message, measured, made_by_decoding = result.stdout.strip().splitlines()
    memory, made_by_check = map(int, measured.split())

    assert message == "“bomb.png” is 12,000 × 12,000 pixels; the limit is 40 megapixels."
    assert memory < 20 * 1024 * 1024
    assert made_by_check == 0
    assert int(made_by_decoding) == 1


def test_pillows_decompression_bomb_warning_never_escapes(settings, recwarn):
    settings.MAX_IMAGE_PIXELS = 200_000_000
    # 12,000 × 12,000 is above Pillow's warning threshold but within this (raised) limit: the
    # header passes, decoding the fake data fails, and no DecompressionBombWarning is emitted.
    with pytest.raises(ValidationError, match="is not an image"):
        check_image(SimpleUploadedFile("big.png", png_header(12_000, 12_000)))
    assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]


# Accepted formats ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["photo.jpg", "photo.png", "photo.webp", "photo.gif"])
def test_jpeg_png_webp_and_gif_are_accepted(admin_client, name):
    response = add_publication(admin_client, hero_image=image_file(name, size=(600, 400)))

    assert response.status_code == 302, form_errors(response)
    publication = Publication.objects.get()
    assert publication.hero_image.name.endswith(name.rsplit(".", 1)[1])
    assert [r["width"] for r in publication.hero_renditions["webp"]] == [480, 600]


def test_the_stored_name_gets_the_extension_of_the_real_format(admin_client):
    png_named_jpg = SimpleUploadedFile("photo.jpg", image_file("x.png").read())
    response = add_publication(admin_client, hero_image=png_named_jpg)

    assert response.status_code == 302, form_errors(response)
    assert Publication.objects.get().hero_image.name.endswith("/photo.png")


def test_the_upload_widget_offers_only_the_accepted_types(admin_client):
    response = admin_client.get(reverse("admin:publications_publication_add"))

    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in response.content.decode()


def test_model_validation_checks_a_new_file_but_not_a_stored_one(settings):
    publication = PublicationFactory(hero_image=image_file("a.png"), hero_alt="A picture")
    publication.full_clean()  # stored: not read again

    publication.hero_image = SimpleUploadedFile("notes.txt", b"text")
    with pytest.raises(ValidationError) as refused:
        publication.full_clean()
    assert "is not an image" in refused.value.message_dict["hero_image"][0]


# Alt text -----------------------------------------------------------------------------------


def test_alt_text_is_required_with_a_hero_image(admin_client):
    response = add_publication(admin_client, hero_image=image_file("a.png"), hero_alt=" ")

    assert form_errors(response)["hero_alt"] == ["Describe the hero image (alt text) for readers."]


def test_alt_text_is_not_required_without_a_hero_image(admin_client):
    response = add_publication(admin_client, hero_alt="")

    assert response.status_code == 302


def test_a_person_photo_is_checked_and_needs_alt_text(admin_client):
    url = reverse("admin:publications_person_add")
    data = {
        "name": "Ana Ortiz",
        "slug": "ana-ortiz",
        "kind": "staff",
        "photo_alt": "",
        # The profile links inline, left empty.
        "profile_links-TOTAL_FORMS": "0",
        "profile_links-INITIAL_FORMS": "0",
    }

    response = admin_client.post(url, {**data, "photo": image_file("ana.png")})
    assert form_errors(response)["photo_alt"] == ["Describe the photo (alt text) for readers."]

    response = admin_client.post(
        url, {**data, "photo_alt": "Ana", "photo": SimpleUploadedFile("ana.svg", b"<svg/>")}
    )
    assert "“ana.svg” is not an image" in form_errors(response)["photo"][0]

    response = admin_client.post(
        url, {**data, "photo_alt": "Portrait of Ana", "photo": image_file("ana.png", (800, 800))}
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert [r["width"] for r in person.photo_renditions["jpeg"]] == [160, 320, 640]


def test_caption_and_credit_fields_are_on_the_form(admin_client):
    content = admin_client.get(reverse("admin:publications_publication_add")).content.decode()

    for name in ("hero_image", "hero_alt", "hero_caption", "hero_credit"):
        assert f'name="{name}"' in content


# Renditions ---------------------------------------------------------------------------------


def test_renditions_are_made_at_save_with_their_sizes(settings):
    publication = PublicationFactory(hero_image=image_file("wide.png", size=(2000, 1000)))

    record = publication.hero_renditions
    assert record["source"] == publication.hero_image.name
    expected = [(480, 240), (960, 480), (1600, 800)]
    for key, format in (("webp", "WEBP"), ("jpeg", "JPEG")):
        assert [(r["width"], r["height"]) for r in record[key]] == expected
        for rendition in record[key]:
            assert rendition["name"].startswith("renditions/heroes/")
            with Image.open(Path(settings.MEDIA_ROOT) / rendition["name"]) as image:
                assert image.format == format
                assert image.size == (rendition["width"], rendition["height"])


def test_a_small_image_is_never_enlarged():
    publication = PublicationFactory(hero_image=image_file("small.png", size=(300, 200)))

    assert [(r["width"], r["height"]) for r in publication.hero_renditions["webp"]] == [(300, 200)]


def test_transparent_areas_become_white_in_the_jpeg(settings):
    buffer = BytesIO()
    Image.new("RGBA", (500, 100), (0, 0, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue())
    publication = PublicationFactory(hero_image=upload)

    jpeg = publication.hero_renditions["jpeg"][0]["name"]
    with Image.open(Path(settings.MEDIA_ROOT) / jpeg) as image:
        assert image.convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def test_a_photo_taken_sideways_is_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    buffer = BytesIO()
    Image.new("RGB", (600, 300), "navy").save(buffer, "JPEG", exif=exif)
    publication = PublicationFactory(hero_image=SimpleUploadedFile("phone.jpg", buffer.getvalue()))

    assert [(r["width"], r["height"]) for r in publication.hero_renditions["jpeg"]] == [(300, 600)]


def test_a_palette_gif_with_transparency_gets_renditions(settings):
    buffer = BytesIO()
    Image.new("P", (500, 100), 0).save(buffer, "GIF", transparency=0)
    publication = PublicationFactory(hero_image=SimpleUploadedFile("logo.gif", buffer.getvalue()))

    webp = publication.hero_renditions["webp"][0]["name"]
    with Image.open(Path(settings.MEDIA_ROOT) / webp) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((10, 10))[3] == 0


def test_replacing_the_image_replaces_the_renditions(settings, django_capture_on_commit_callbacks):
    publication = PublicationFactory(hero_image=image_file("first.png", size=(1000, 500)))
    old = images.rendition_names(publication.hero_renditions)

    with django_capture_on_commit_callbacks(execute=True):
        publication.hero_image = image_file("second.png", size=(1000, 500))
        publication.save()

    assert "second" in publication.hero_renditions["source"]
    assert not any((Path(settings.MEDIA_ROOT) / name).exists() for name in old)
    new = images.rendition_names(publication.hero_renditions)
    assert all((Path(settings.MEDIA_ROOT) / name).exists() for name in new)

    with django_capture_on_commit_callbacks(execute=True):
        publication.hero_image = None
        publication.save()
    assert publication.hero_renditions == {}
    assert not any((Path(settings.MEDIA_ROOT) / name).exists() for name in new)


def test_restoring_a_revision_brings_back_its_image_with_fresh_renditions(
    settings, django_capture_on_commit_callbacks
):
    publication = PublicationFactory(hero_image=image_file("first.png", size=(600, 300)))
    first = publication.history.earliest()
    with django_capture_on_commit_callbacks(execute=True):
        publication.hero_image = image_file("second.png", size=(500, 500))
        publication.save()

    restore(publication, first)

    publication.refresh_from_db()
    assert publication.hero_image.name == first.hero_image
    assert publication.hero_renditions["source"] == first.hero_image
    assert [(r["width"], r["height"]) for r in publication.hero_renditions["jpeg"]] == [
        (480, 240),
        (600, 300),
    ]
    for name in images.rendition_names(publication.hero_renditions):
        assert (Path(settings.MEDIA_ROOT) / name).is_file()


def test_saving_without_changing_the_image_does_not_redo_the_renditions(monkeypatch):
    publication = PublicationFactory(hero_image=image_file("a.png", size=(600, 300)))
    monkeypatch.setattr(images, "make_renditions", lambda *a: pytest.fail("made again"))

    publication.title = "New title"
    publication.save()
    Publication.objects.get().save(update_fields=["title"])


def test_an_image_over_the_limits_saved_by_a_script_is_refused_not_stored(settings):
    # Storing means re-encoding, which means decoding: the checks run for every new file.
    publication = PublicationFactory.build(
        hero_image=SimpleUploadedFile("bomb.png", png_header(12_000, 12_000))
    )

    with pytest.raises(ValidationError, match="12,000 × 12,000 pixels"):
        publication.save()

    assert not Publication.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "heroes").exists()


def test_an_unusable_stored_image_saves_without_renditions(caplog):
    publication = PublicationFactory()
    name = default_storage.save("heroes/bomb.png", ContentFile(png_header(12_000, 12_000)))
    Publication.objects.filter(pk=publication.pk).update(hero_image=name)
    publication.refresh_from_db()

    publication.save()

    assert publication.hero_renditions == {}
    assert "No renditions for heroes/bomb.png" in caplog.text


# Reader pages ---------------------------------------------------------------------------------


@pytest.fixture
def illustrated():
    author = PersonFactory(
        slug="ana", photo=image_file("ana.png", size=(400, 500)), photo_alt="Ana at her desk"
    )
    return PublicationFactory(
        slug="illustrated",
        hero_image=image_file("hero.jpg", size=(1200, 600)),
        hero_alt="Flags at an ice rink",
        authors=[author],
    )


def test_the_list_card_has_a_responsive_image_with_width_and_height(client, illustrated):
    content = client.get(reverse("publications:list")).content.decode()

    assert 'class="card__image"' in content
    assert 'width="960" height="480"' in content
    assert 'loading="lazy"' in content
    assert "480w" in content and "1200w" in content
    assert 'alt="Flags at an ice rink"' in content
    assert '<source type="image/webp"' in content


def test_the_detail_hero_loads_eagerly_with_width_and_height(client, illustrated):
    content = client.get(illustrated.get_absolute_url()).content.decode()

    hero = content.split('<figure class="publication__hero">')[1].split("</figure>")[0]
    assert 'width="960" height="480"' in hero
    assert 'loading="eager"' in hero
    assert 'sizes="(min-width: 48rem) 46rem, 100vw"' in hero
    assert 'srcset="/media/renditions/heroes/' in hero
    # The author's photo in the bio, lazily, decorative next to the name.
    assert 'class="author-bio__photo"' in content
    assert 'width="400" height="500"' in content


def test_og_image_is_the_largest_jpeg_rendition(client, illustrated):
    content = client.get(illustrated.get_absolute_url()).content.decode()

    largest = illustrated.hero_renditions["jpeg"][-1]
    assert largest["width"] == 1200
    assert f'<meta property="og:image" content="http://testserver/media/{largest["name"]}">' in (
        content
    )
    assert '<meta property="og:image:width" content="1200">' in content


def test_the_person_page_shows_the_photo_with_its_alt_text(client, illustrated):
    person = Person.objects.get(slug="ana")
    content = client.get(person.get_absolute_url()).content.decode()

    assert 'class="profile__photo"' in content
    assert 'alt="Ana at her desk"' in content
    assert 'width="400" height="500"' in content
    largest = person.photo_renditions["jpeg"][-1]["name"]
    assert f'<meta property="og:image" content="http://testserver/media/{largest}">' in content


def test_content_saved_before_renditions_falls_back_to_the_original(client, illustrated):
    Publication.objects.filter(pk=illustrated.pk).update(hero_renditions={})

    content = client.get(illustrated.get_absolute_url()).content.decode()

    assert f'src="/media/{illustrated.hero_image.name}"' in content


@pytest.mark.parametrize("name", ["home", "list", "detail", "person"])
def test_reader_pages_never_open_an_image(client, illustrated, monkeypatch, name):
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("Pillow at request time"))
    url = {"home": reverse("home"), "list": reverse("publications:list")}.get(name)
    url = url or (
        illustrated.get_absolute_url()
        if name == "detail"
        else Person.objects.get(slug="ana").get_absolute_url()
    )

    assert client.get(url).status_code == 200


BUDGETS = {name: budget for name, _, budget in PAGES}


@pytest.mark.parametrize("name", ["home", "list", "detail", "person"])
def test_query_budgets_are_unchanged_with_images(
    client, django_assert_max_num_queries, illustrated, name
):
    for n in range(5):
        HomeSlotFactory(
            publication=PublicationFactory(
                hero_image=image_file(f"more-{n}.png", size=(100, 50)),
                hero_alt="More",
                authors=[Person.objects.get(slug="ana")],
            )
        )
    url = {
        "home": reverse("home"),
        "list": reverse("publications:list"),
        "detail": illustrated.get_absolute_url(),
        "person": Person.objects.get(slug="ana").get_absolute_url(),
    }[name]

    with django_assert_max_num_queries(BUDGETS[name]):
        response = client.get(url)
    assert 'width="' in response.content.decode()


# Failed saves leave no files -------------------------------------------------------------------


def media_files(settings):
    return sorted(
        str(path.relative_to(settings.MEDIA_ROOT))
        for path in Path(settings.MEDIA_ROOT).rglob("*")
        if path.is_file()
    )


def test_a_tag_longer_than_a_tag_can_hold_is_a_form_error(admin_client, settings):
    # PostgreSQL refused the 101-character name at save (a 500), after the image was stored.
    response = add_publication(
        admin_client, hero_image=image_file("hero.png"), tags=f"sanctions, {'x' * 101}"
    )

    assert form_errors(response)["tags"] == [
        f"A tag can be at most 100 characters long; “{'x' * 40}…” has 101."
    ]
    assert not Publication.objects.exists()
    assert media_files(settings) == []


def test_an_exception_after_the_admin_saved_the_row_leaves_no_files(
    admin_client, settings, monkeypatch
):
    # Relations (tags, authors) are saved after the row and its files: a failure there rolls
    # the row back, and the files must go with it.
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PublicationAdmin, "save_related", fail)

    with pytest.raises(RuntimeError):
        add_publication(admin_client, hero_image=image_file("hero.png", size=(600, 300)))

    assert not Publication.objects.exists()
    assert media_files(settings) == []


def test_a_model_save_that_fails_leaves_no_files(settings):
    PublicationFactory(slug="taken")
    publication = PublicationFactory.build(
        slug="taken",
        publication_type=PublicationTypeFactory(),
        hero_image=image_file("hero.png", size=(600, 300)),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        publication.save()

    assert media_files(settings) == []


def test_after_an_error_elsewhere_the_form_says_the_image_must_be_chosen_again(admin_client):
    response = add_publication(admin_client, title="", hero_image=image_file("rink.png"))

    errors = form_errors(response)
    assert "title" in errors
    assert errors["hero_image"] == [
        "“rink.png” was not saved because of the errors on this page: "
        "choose it again before you save."
    ]
    # Shown beside the field, above the file input.
    html = response.content.decode()
    assert html.index("“rink.png” was not saved") < html.index('name="hero_image"')
    # Nothing to say when no image was chosen.
    assert "hero_image" not in form_errors(add_publication(admin_client, title=""))
