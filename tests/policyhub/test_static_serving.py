"""Static files in production (what `make serve` runs): hashed, compressed, cached for years."""

import gzip
import json
import re

import brotli
import pytest

from tests.policyhub.servers import get, gunicorn, production_env

pytestmark = pytest.mark.infrastructure

TEN_YEARS = 315_360_000
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy says; plain http is redirected


@pytest.fixture(scope="module")
def server(tmp_path_factory, production_static):
    tmp = tmp_path_factory.mktemp("static-serving")
    env = production_env(
        STATIC_ROOT=str(production_static), DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}"
    )
    with gunicorn(env, tmp / "gunicorn.log") as port:
        yield {"port": port, "root": production_static}


def hashed_name(server, name):
    manifest = json.loads((server["root"] / "staticfiles.json").read_text())
    return manifest["paths"][name]


@pytest.mark.parametrize("name", ["css/site.css", "js/suggest.js", "admin/css/base.css"])
def test_collectstatic_writes_hashed_names_with_gzip_and_brotli_variants(server, name):
    hashed = hashed_name(server, name)
    assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", hashed)
    for suffix in ("", ".gz", ".br"):
        assert (server["root"] / (hashed + suffix)).is_file()


def test_hashed_file_is_immutable_for_ten_years(server):
    status, headers, body = get(
        server["port"], "/static/" + hashed_name(server, "css/site.css"), HTTPS
    )
    assert status == 200
    assert f"max-age={TEN_YEARS}" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert "public" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body == (server["root"] / hashed_name(server, "css/site.css")).read_bytes()


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [("br, gzip", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress)],
)
def test_compressed_variant_is_served_to_clients_that_accept_it(server, accept, encoding, decode):
    name = hashed_name(server, "css/site.css")
    status, headers, body = get(
        server["port"], "/static/" + name, {**HTTPS, "Accept-Encoding": accept}
    )
    assert status == 200
    assert headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in headers["Vary"]
    assert decode(body) == (server["root"] / name).read_bytes()


def test_unhashed_name_gets_the_short_max_age(server):
    status, headers, _ = get(server["port"], "/static/css/site.css", HTTPS)
    assert status == 200
    assert "max-age=3600" in headers["Cache-Control"]
    assert "immutable" not in headers["Cache-Control"]
