"""A page's optional hero image: shown with its alt text, caption and credit, shared as its
og:image and JSON-LD image, kept in revisions, seen in preview, and never shown while hidden."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PageFactory, image_file
from tests.publications.test_structured_data import json_ld
from tests.test_page_metadata import head

pytestmark = pytest.mark.django_db


def hero_page(**kwargs):
    return PageFactory(
        **{
            "slug": "about",
            "title": "About",
            "hero_image": image_file("team.png", size=(1200, 600)),
            "hero_alt": "The team at the harbour",
            "hero_caption": "Our staff in 2026.",
            "hero_credit": "Photo: Ana Ruiz",
            **kwargs,
        }
    )


def test_the_hero_is_shown_shared_and_described(client):
    page = hero_page()
    largest = page.hero_renditions["jpeg"][-1]

    response = client.get(page.get_absolute_url())
    html = response.content.decode()

    assert '<figure class="page__hero">' in html
    assert 'alt="The team at the harbour"' in html
    assert 'loading="eager"' in html and f'width="{960}"' in html
    assert 'Our staff in 2026. <span class="credit">Photo: Ana Ruiz</span>' in html
    meta = head(html).meta
    assert meta["og:image"] == [f"http://testserver/media/{largest['name']}"]
    assert meta["og:image:width"] == [str(largest["width"])]
    assert meta["og:image:alt"] == ["The team at the harbour"]
    assert meta["twitter:card"] == ["summary_large_image"]
    webpage = json_ld(response)["WebPage"]
    assert webpage["image"] == [
        {
            "@type": "ImageObject",
            "url": f"http://testserver/media/{largest['name']}",
            "width": largest["width"],
            "height": largest["height"],
            "caption": "Our staff in 2026.",
            "creditText": "Photo: Ana Ruiz",
        }
    ]
    assert webpage["name"] == "About" and webpage["publisher"]["name"] == "PolicyHub"


def test_a_page_without_a_hero_shows_no_figure_and_no_image(client):
    page = PageFactory(slug="contact")

    response = client.get(page.get_absolute_url())

    assert "page__hero" not in response.content.decode()
    assert "og:image" not in head(response.content.decode()).meta
    assert "image" not in json_ld(response)["WebPage"]


def test_a_hero_needs_alt_text():
    page = PageFactory.build(slug="about", hero_image=image_file("team.png"))
    with pytest.raises(ValidationError, match="alt text"):
        page.full_clean()


def test_preview_shows_a_hidden_page_hero_to_editors_only(client, admin_user):
    page = hero_page(draft=True, hero_alt="Unreleased building plans")

    assert client.get(page.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    response = client.get(reverse("pages:preview", args=[page.pk]))
    assert 'alt="Unreleased building plans"' in response.content.decode()


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_a_hidden_page_hero_reaches_no_reader(client, state):
    hidden = hero_page(slug="secret", hero_alt="Heron alt text", **{state: True})
    live = PageFactory(slug="open", title="Open page")
    stored = [hidden.hero_image.name, *(r["name"] for r in hidden.hero_renditions["jpeg"])]

    for url in [
        reverse("home"),
        live.get_absolute_url(),
        reverse("sitemap"),
        reverse("search:search") + "?q=Heron",
        reverse("publications:feed"),
    ]:
        content = client.get(url).content.decode()
        assert "Heron alt text" not in content, url
        assert not [name for name in stored if name in content], url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_restoring_a_revision_brings_back_its_hero(admin_client):
    page = hero_page(draft=True, hero_alt="First photo")
    first = page.history.order_by("-history_id").first()
    first_name = page.hero_image.name
    page.hero_image = image_file("second.png", size=(800, 400))
    page.hero_alt = "Second photo"
    page.save()
    assert page.hero_renditions["source"] != first_name
    assert "hero_renditions" not in {f.name for f in page.history.model._meta.fields}

    response = admin_client.post(
        reverse("admin:pages_page_restore", args=[page.pk, first.history_id])
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.hero_image.name, page.hero_alt) == (first_name, "First photo")
    # Renditions are made again from the restored image, not taken from the revision.
    assert page.hero_renditions["source"] == first_name


def test_the_page_admin_has_the_hero_fields(admin_client):
    page = PageFactory(slug="about")
    response = admin_client.get(reverse("admin:pages_page_change", args=[page.pk]))
    html = response.content.decode()
    for name in ("hero_image", "hero_alt", "hero_caption", "hero_credit"):
        assert f'name="{name}"' in html
    assert 'enctype="multipart/form-data"' in html


def test_make_renditions_covers_page_heroes():
    page = hero_page()
    record = page.hero_renditions
    type(page).objects.filter(pk=page.pk).update(hero_renditions={})

    call_command("make_renditions", "--no-progress", stdout=StringIO())

    page.refresh_from_db()
    assert page.hero_renditions["source"] == record["source"]
    assert [item["width"] for item in page.hero_renditions["jpeg"]] == [
        item["width"] for item in record["jpeg"]
    ]
