"""Conditional GET: ETag and Last-Modified revalidate to 304 on pages, feeds and the sitemap,
agreeing with the page cache (a cached hit and a fresh render have the same ETag)."""

import pytest

from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece():
    return PublicationFactory(slug="piece", title="A piece", tags=["aid"])


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/publications/",
        "/publications/piece/",
        "/tags/aid/",
        "/feeds/publications/",
        "/feeds/publications/atom/",
        "/sitemap.xml",
    ],
)
def test_etag_revalidates_to_304(client, piece, url):
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""
    # The browser keeps the CSP it stored with the page, whose nonce the page carries.
    assert "Content-Security-Policy" not in again


@pytest.mark.parametrize("url", ["/feeds/publications/", "/feeds/publications/atom/"])
def test_if_modified_since_revalidates_feeds(client, piece, url):
    first = client.get(url)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_the_etag_ignores_the_nonce(client, piece):
    first, second = client.get("/publications/piece/"), client.get("/publications/piece/")

    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]
    assert first["ETag"] == second["ETag"]


def test_a_cached_page_and_a_fresh_one_revalidate_alike(client, settings, piece):
    fresh = client.get("/publications/piece/")
    settings.PAGE_CACHE_ENABLED = True
    assert client.get("/publications/piece/")["X-Cache"] == "miss"
    assert client.get("/publications/piece/")["X-Cache"] == "hit"

    hit = client.get("/publications/piece/", HTTP_IF_NONE_MATCH=fresh["ETag"])

    assert hit.status_code == 304


def test_a_compressed_page_revalidates(client, piece):
    first = client.get("/publications/", HTTP_ACCEPT_ENCODING="br")
    again = client.get(
        "/publications/", HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert first["ETag"].startswith('W/"')
    assert again.status_code == 304


def test_a_change_is_a_200(client, piece):
    first = client.get("/feeds/publications/")
    PublicationFactory(title="Newer piece")

    again = client.get("/feeds/publications/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert "Newer piece" in again.content.decode()


def test_private_pages_get_no_etag(admin_client, piece):
    response = admin_client.get(f"/publications/preview/{piece.pk}/")

    assert response.status_code == 200
    assert "ETag" not in response
