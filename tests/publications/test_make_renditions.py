from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from policyhub.editorial.cache import current_generation
from publications.models import Person, Publication
from tests.factories import PersonFactory, PublicationFactory, image_file

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("make_renditions", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def without_renditions():
    """Content saved before renditions existed: images stored, no record."""
    publication = PublicationFactory(hero_image=image_file("hero.png", size=(1000, 500)))
    person = PersonFactory(photo=image_file("ana.jpg", size=(200, 300)))
    Publication.objects.update(hero_renditions={})
    Person.objects.update(photo_renditions={})
    PublicationFactory()  # no image: left alone
    return publication, person


def test_makes_renditions_for_existing_images(without_renditions, settings):
    publication, person = without_renditions
    updated_at = publication.updated_at

    output = run()

    publication.refresh_from_db()
    person.refresh_from_db()
    assert [(r["width"], r["height"]) for r in publication.hero_renditions["webp"]] == [
        (480, 240),
        (960, 480),
        (1000, 500),
    ]
    assert [(r["width"], r["height"]) for r in person.photo_renditions["jpeg"]] == [
        (160, 240),
        (200, 300),
    ]
    for record in (publication.hero_renditions, person.photo_renditions):
        for rendition in record["webp"] + record["jpeg"]:
            assert (Path(settings.MEDIA_ROOT) / rendition["name"]).is_file()
    assert "Made renditions for 2 image(s)." in output
    assert publication.updated_at == updated_at  # not an edit


def test_cached_pages_are_retired_when_renditions_change(without_renditions):
    before = current_generation()
    assert "Page cache cleared." in run()
    assert current_generation() != before

    unchanged = current_generation()
    assert "Page cache cleared." not in run("--missing")
    assert current_generation() == unchanged


def test_running_again_replaces_files_instead_of_adding_copies(without_renditions, settings):
    run()
    files = sorted(Path(settings.MEDIA_ROOT).rglob("*"))

    run()

    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == files


def test_missing_only_touches_images_without_renditions(without_renditions):
    publication, person = without_renditions
    run()
    Person.objects.update(photo_renditions={})

    output = run("--missing")

    assert "Made renditions for 1 image(s)." in output
    person.refresh_from_db()
    assert person.photo_renditions["source"] == person.photo.name


def test_an_unreadable_image_is_reported_and_skipped(without_renditions, settings):
    publication, _ = without_renditions
    # Damaged on disk after it was stored (a new upload like this is refused before storing).
    broken = PublicationFactory()
    name = default_storage.save("heroes/broken.png", ContentFile(b"not a png"))
    Publication.objects.filter(pk=broken.pk).update(hero_image=name)
    Path(settings.MEDIA_ROOT, publication.hero_image.name).unlink()

    output = run()

    assert "Made renditions for 1 image(s)." in output
    assert "2 image(s) could not be read" in output
    broken.refresh_from_db()
    assert broken.hero_renditions == {}
