import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import PersonFactory, PublicationFactory, RegionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def png(name="hero.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def page(client, publication):
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_detail_shows_every_field(client):
    first = PersonFactory(name="Ana Ruiz", slug="ana", role="Fellow", affiliation="The Institute")
    first.bio = "Ana writes about food security."
    first.save()
    second = PersonFactory(name="Ben Cho", slug="ben", bio="Ben covers diplomacy.")
    publication = PublicationFactory(
        title="Feeding a closed country",
        summary="How aid reaches people when borders stay shut.",
        body="<h2>Background</h2><p>Harvests <strong>failed</strong> again.</p>",
        authors=[first, second],
        topics=[TopicFactory(name="Humanitarian aid", slug="humanitarian-aid")],
        regions=[RegionFactory(name="North Korea", slug="north-korea")],
        tags=["sanctions", "food security"],
        hero_image=png(),
        hero_alt="A field of rice at dusk",
        hero_caption="Rice fields outside the capital.",
        hero_credit="Photo: Jo Doe",
        source_note="First published by a partner journal.",
        source_url="https://example.org/original",
    )

    html = page(client, publication)

    assert '<h1 class="publication__title">Feeding a closed country</h1>' in html
    assert "Analysis and Commentary" in html
    assert publication.published_at.strftime("%Y-%m-%d") in html
    assert 'By <a href="/people/ana/">Ana Ruiz</a> and <a href="/people/ben/">Ben Cho</a>' in html
    assert '<a href="/topics/humanitarian-aid/">Humanitarian aid</a>' in html
    assert '<a href="/regions/north-korea/">North Korea</a>' in html
    assert 'href="/tags/sanctions/">sanctions</a>' in html
    assert 'href="/tags/food-security/">food security</a>' in html
    assert "How aid reaches people when borders stay shut." in html
    fallback = publication.hero_renditions["jpeg"][0]
    assert (
        f'<img src="/media/{fallback["name"]}" srcset="/media/{fallback["name"]} 4w" '
        'sizes="(min-width: 48rem) 46rem, 100vw" width="4" height="3" '
        'alt="A field of rice at dusk"'
    ) in html
    assert "Rice fields outside the capital." in html
    assert "Photo: Jo Doe" in html
    assert (
        '<h2 id="background">Background</h2><p>Harvests <strong>failed</strong> again.</p>' in html
    )
    assert '<a href="https://example.org/original" rel="noopener">First published' in html
    # Bios at the end, in byline order.
    assert html.index("Ana writes about food security.") < html.index("Ben covers diplomacy.")
    assert html.index("Harvests") < html.index("Ana writes about food security.")
    assert "Fellow, The Institute" in html


def test_detail_meta_title_description_canonical_and_open_graph(client):
    publication = PublicationFactory(title="Short title", summary="word " * 100, hero_image=png())

    html = page(client, publication)
    url = f"http://testserver{publication.get_absolute_url()}"

    assert "<title>Short title · PolicyHub</title>" in html
    description = html.split('<meta name="description" content="')[1].split('"')[0]
    assert description.startswith("word word") and len(description) <= 160
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Short title">' in html
    assert '<meta property="og:image" content="http://testserver/media/renditions/heroes/' in html


def test_source_note_without_url_is_plain_text(client):
    publication = PublicationFactory(source_note="Adapted from a talk.")

    html = page(client, publication)

    assert '<p class="publication__source">Adapted from a talk.</p>' in html


def test_title_is_escaped(client):
    publication = PublicationFactory(title="<script>alert(1)</script>")

    content = client.get(publication.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize("state", [{"draft": True}, {"scheduled": True}])
def test_unpublished_detail_is_404(client, state):
    publication = PublicationFactory(**state)

    assert client.get(publication.get_absolute_url()).status_code == 404


def test_unknown_slug_is_404(client):
    assert client.get("/publications/no-such-thing/").status_code == 404


def test_related_publications_are_shown_with_reasons(client):
    chosen = PublicationFactory(title="Chosen one")
    similar = PublicationFactory(title="Similar one", tags=["sanctions"])
    publication = PublicationFactory(related=[chosen], tags=["sanctions"])

    html = page(client, publication)

    assert html.index("Chosen one") < html.index("Similar one")
    assert "Recommended by our editors" in html
    assert "Shares tag: sanctions" in html
    assert similar.get_absolute_url() in html
