"""The OpenAPI schema validates, every documented path answers, and the docs are self-hosted."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.crawl import parse
from tests.factories import (
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def schema(tmp_path):
    path = tmp_path / "schema.yaml"
    # --validate checks the document against the OpenAPI 3 JSON schema; warnings fail too.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_schema_validates_and_every_documented_path_answers(client, tmp_path):
    author = PersonFactory(slug="ana")
    piece = PublicationFactory(
        slug="piece", authors=[author], topics=[TopicFactory(slug="aid")], tags=["sanctions"]
    )
    RegionFactory(slug="asia")
    option = PolicyOptionFactory(slug="talk", question__slug="engage")
    OptionSourceFactory(option=option, publication=piece)
    slugs = {
        "publications": "piece",
        "options": "talk",
        "questions": "engage",
        "people": "ana",
        "topics": "aid",
        "regions": "asia",
        "tags": "sanctions",
    }

    paths = schema(tmp_path)["paths"]

    assert len(paths) == 16  # the root, seven lists and their details, the search
    for path in paths:
        resource = path.split("/")[3]
        url = path.replace("{slug}", slugs.get(resource, ""))
        response = client.get(url, {"q": "piece"} if resource == "search" else {})
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json", url


def test_schema_endpoint(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")


def test_docs_are_served_from_the_site_under_its_csp(client):
    response = client.get("/api/v1/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = parse(html)
    assert page.scripts and not any(script.inline for script in page.scripts)
    assert "<style" not in html and "//cdn" not in html
    for src in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(src), src
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()


def test_footer_links_the_docs(client):
    assert 'href="/api/v1/docs/"' in client.get("/").content.decode()
