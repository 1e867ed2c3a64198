"""Responses are compressed as the client asks (brotli, gzip or none), cached pages included,
and never where compression could leak a secret (the admin, private responses)."""

import gzip

import brotli
import pytest

from policyhub.middleware import accepted_encodings
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def piece():
    return PublicationFactory(slug="piece", title="A piece worth compressing")


def body(response):
    decode = {"br": brotli.decompress, "gzip": gzip.decompress}.get(
        response.get("Content-Encoding"), lambda content: content
    )
    return decode(response.content).decode()


def nonce_of(response):
    return response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]


@pytest.mark.parametrize(
    "accept, encoding",
    [
        ("gzip, deflate, br", "br"),
        ("br;q=1.0, gzip;q=0.8", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", None),
        ("", None),
    ],
)
def test_negotiated(client, piece, accept, encoding):
    response = client.get("/publications/", HTTP_ACCEPT_ENCODING=accept)

    assert response.get("Content-Encoding") == encoding
    assert "Accept-Encoding" in response["Vary"]
    assert "A piece worth compressing" in body(response)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/publications/",
        "/feeds/publications/atom/",
        "/sitemap.xml",
        "/api/v1/publications/",
        "/publications/piece/",
    ],
)
def test_feeds_sitemap_json_and_pages_are_compressed(client, piece, url):
    response = client.get(url, HTTP_ACCEPT_ENCODING="br")

    assert response["Content-Encoding"] == "br"
    assert int(response["Content-Length"]) == len(response.content)
    assert "piece" in body(response)


def test_a_cached_page_is_served_compressed_to_the_next_reader(client, settings, piece):
    settings.PAGE_CACHE_ENABLED = True

    first = client.get("/publications/piece/", HTTP_ACCEPT_ENCODING="gzip, br")
    second = client.get("/publications/piece/", HTTP_ACCEPT_ENCODING="gzip, br")
    plain = client.get("/publications/piece/")

    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second["Content-Encoding"] == "br"
    # The same page, each with its own nonce (in its header and its page alike).
    assert nonce_of(first) != nonce_of(second)
    assert body(second).replace(nonce_of(second), "N") == body(first).replace(nonce_of(first), "N")
    assert "Content-Encoding" not in plain


def test_the_admin_is_never_compressed(admin_client):
    # BREACH: admin pages hold the CSRF token next to text an attacker can put there.
    response = admin_client.get("/admin/", HTTP_ACCEPT_ENCODING="gzip, br")

    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_small_and_binary_responses_are_left_alone(client):
    assert "Content-Encoding" not in client.get("/robots.txt", HTTP_ACCEPT_ENCODING="br")
    assert "Content-Encoding" not in client.get("/healthz", HTTP_ACCEPT_ENCODING="br")


def test_accept_encoding_parsing():
    assert accepted_encodings("gzip;q=0.5, BR, zstd;q=0, x;q=nonsense") == {"gzip", "br"}
    assert accepted_encodings("") == set()
