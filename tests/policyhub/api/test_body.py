"""A publication's body in the API is what a reader sees, not the editor's stored markup."""

import re

import pytest
from django.urls import reverse

from tests.factories import LibraryImageFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def detail(client, slug="piece", **params):
    response = client.get(reverse("api:publication-detail", args=[slug]), params)
    assert response.status_code == 200
    return response.json()


def test_notes_become_references_in_the_body_and_a_list_beside_it(client):
    PublicationFactory(
        slug="piece",
        body="<p>Sanctions<span data-footnote>UN resolution 2397, https://un.org/r.</span> "
        "and trade<span data-footnote>KOTRA, 2020.</span>.</p>",
    )

    data = detail(client)

    assert "data-footnote" not in data["body"]
    assert "UN resolution" not in data["body"]
    assert '<a href="#note-1" id="note-ref-1" role="doc-noteref">' in data["body"]
    assert '<a href="#note-2" id="note-ref-2" role="doc-noteref">' in data["body"]
    assert [(n["number"], n["id"], n["ref_id"]) for n in data["notes"]] == [
        (1, "note-1", "note-ref-1"),
        (2, "note-2", "note-ref-2"),
    ]
    assert data["notes"][0]["html"] == (
        'UN resolution 2397, <a href="https://un.org/r" rel="nofollow">https://un.org/r</a>.'
    )
    assert data["notes"][1]["html"] == "KOTRA, 2020."


def test_headings_get_the_pages_ids_and_are_listed(client):
    PublicationFactory(slug="piece", body="<h2>Background</h2><p>a</p><h3>Options</h3><p>b</p>")

    data = detail(client)

    assert '<h2 id="background">Background</h2>' in data["body"]
    assert '<h3 id="options">Options</h3>' in data["body"]
    assert data["headings"] == [
        {"id": "background", "text": "Background", "level": 2},
        {"id": "options", "text": "Options", "level": 3},
    ]


def test_the_body_is_the_one_the_page_shows(client):
    image = LibraryImageFactory()
    PublicationFactory(
        slug="piece",
        body="<h2>Trade</h2><p>Text<span data-footnote>A note.</span></p>"
        f'<figure data-image="{image.pk}"></figure>',
    )
    page = client.get(reverse("publications:detail", args=["piece"])).content.decode()

    body = detail(client)["body"]

    # The same markup, but for the addresses the API makes absolute.
    assert body.replace("http://testserver/", "/") in page


def test_a_figure_has_its_renditions_at_absolute_addresses(client):
    image = LibraryImageFactory(alt="Exports fell", caption="Exports", credit="KOTRA")
    PublicationFactory(slug="piece", body=f'<figure data-image="{image.pk}"></figure>')

    body = detail(client)["body"]

    assert "data-image" not in body
    assert '<figure class="body-figure"><picture>' in body
    assert 'alt="Exports fell"' in body
    assert '<span class="credit">KOTRA</span>' in body
    addresses = re.findall(r'(?:src|srcset)="([^"]+)"', body)
    candidates = [part.split()[0] for value in addresses for part in value.split(", ")]
    assert len(candidates) >= 4
    assert all(url.startswith("http://testserver/media/renditions/") for url in candidates)


def test_a_link_to_a_page_of_the_site_is_absolute(client):
    PublicationFactory(
        slug="piece",
        body='<p><a href="/topics/trade/">trade</a>, <a href="https://un.org/">UN</a>, '
        '<a href="//cdn.example/x">cdn</a>.</p>',
    )

    body = detail(client)["body"]

    assert '<a href="http://testserver/topics/trade/">' in body
    assert '<a href="https://un.org/">' in body
    assert '<a href="//cdn.example/x">' in body


def test_a_figure_whose_image_was_deleted_shows_nothing(client):
    image = LibraryImageFactory()
    PublicationFactory(slug="piece", body=f'<p>Before</p><figure data-image="{image.pk}"></figure>')
    image.delete()

    assert detail(client)["body"] == "<p>Before</p>"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<span style="position:fixed" onclick="alert(1)">overlay</span>',
    ],
)
def test_hostile_markup_never_reaches_the_body_or_the_notes(client, hostile):
    PublicationFactory(
        slug="piece", body=f"<p>Text {hostile}<span data-footnote>Note {hostile}</span></p>"
    )

    data = detail(client)

    for marker in ("<script", "onerror", "javascript:", "onclick", "style="):
        assert marker not in data["body"]
        assert marker not in data["notes"][0]["html"]


def test_fields_can_ask_for_the_notes_alone(client):
    PublicationFactory(slug="piece", body="<p>a<span data-footnote>Only note.</span></p>")

    data = detail(client, fields="notes")

    assert data == {
        "notes": [{"number": 1, "id": "note-1", "ref_id": "note-ref-1", "html": "Only note."}]
    }


@pytest.fixture
def data_cache(settings):
    settings.DATA_CACHE_ENABLED = True


def test_a_changed_library_image_shows_in_the_cached_json(client, data_cache):
    image = LibraryImageFactory(alt="Old alt", caption="Old caption")
    PublicationFactory(slug="piece", body=f'<figure data-image="{image.pk}"></figure>')
    assert 'alt="Old alt"' in detail(client)["body"]

    image.alt, image.caption = "New alt", "New caption"
    image.save()

    body = detail(client)["body"]
    assert 'alt="New alt"' in body and "New caption" in body
    assert "Old" not in body


def test_a_replaced_library_file_shows_in_the_cached_json(client, data_cache):
    image = LibraryImageFactory()
    PublicationFactory(slug="piece", body=f'<figure data-image="{image.pk}"></figure>')
    before = detail(client)["body"]

    image.image = LibraryImageFactory.build().image
    image.save()

    after = detail(client)["body"]
    assert after != before
    names = re.findall(r'src="http://testserver/media/renditions/([^"]+)"', after)
    assert names and all(name in str(image.renditions) for name in names)


def test_the_schema_describes_the_notes_and_headings(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    components = schema.json()["components"]["schemas"]

    detail = components["PublicationDetail"]["properties"]
    assert detail["notes"]["items"] == {"$ref": "#/components/schemas/Note"}
    assert detail["headings"]["items"] == {"$ref": "#/components/schemas/Heading"}
    assert set(components["Note"]["properties"]) == {"number", "id", "ref_id", "html"}
