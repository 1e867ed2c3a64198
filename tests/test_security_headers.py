"""Every response carries the security headers, and no page runs script the policy would block.

The crawl (``tests/crawl.py``) covers every kind of URL a reader or a superuser can reach by
following links — public pages, feeds, the sitemap, /healthz, redirects, a 404, static files
served by WhiteNoise, and the admin's index, changelists, add and change forms (with the
rich-text editor), history and delete confirmations — plus the pages no link leads to: a 500,
the HTTPS redirect and the tag-merge confirmation (a POST).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from tests.crawl import ADMIN_SEEDS, PUBLIC_SEEDS, crawl, parse, populate

pytestmark = pytest.mark.django_db

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def header_problems(response):
    problems = [
        f"{name}: {response.get(name)!r}"
        for name, value in HEADERS.items()
        if response.get(name) != value
    ]
    directives = policy(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    if not scripts or {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts):
        problems.append(f"script-src {scripts}")
    for name, expected in [
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
        ("form-action", ["'self'"]),
        ("default-src", ["'self'"]),
    ]:
        if directives.get(name) != expected:
            problems.append(f"{name} {directives.get(name)}")
    return problems


def script_problems(response, html):
    """Inline scripts without this response's nonce, and event-handler attributes."""
    nonces = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    page = parse(html)
    problems = list(page.handlers)
    for script in page.scripts:
        if script.inline and script.attrs.get("nonce") not in nonces:
            problems.append(f"inline <script {script.attrs}> without the response's nonce")
        src = script.attrs.get("src") or "/"
        if not src.startswith("/") or src.startswith("//"):
            problems.append(f"<script src={src}> from another site")
    return problems


@pytest.fixture
def served_static(settings):
    # Serve static files from the apps' folders, as WhiteNoise does after collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture
def site():
    return populate()


@pytest.fixture
def superuser_client(django_user_model):
    client = Client()
    client.force_login(
        django_user_model.objects.create_superuser("chief", "chief@example.org", "x" * 20)
    )
    return client


def check_pages(pages):
    failures = {}
    for page in pages:
        problems = header_problems(page.response)
        if page.is_html:
            problems += script_problems(page.response, page.text)
        if problems:
            failures[page.url] = problems
    return failures


def test_every_public_response_carries_the_headers(site, served_static):
    pages = crawl(Client(), PUBLIC_SEEDS)

    assert check_pages(pages) == {}
    # Not vacuous: the crawl reached every sort of response.
    statuses = {page.response.status_code for page in pages}
    assert {200, 301, 302, 404} <= statuses
    kinds = {page.kind[0] for page in pages}
    assert {
        "home",
        "publications:detail",
        "publications:feed",
        "publications:topic_feed",
        "options:detail",
        "options:compare",
        "search:search",
        "tag",
        "sitemap",
        "healthz",
        "static",
    } <= kinds
    static = [page for page in pages if page.kind[0] == "static"]
    assert {page.kind[1] for page in static} >= {".css", ".js", ".svg"}
    assert all(page.response.status_code == 200 for page in static)


def test_every_admin_response_carries_the_headers(site, served_static, superuser_client):
    pages = crawl(superuser_client, ADMIN_SEEDS)

    assert check_pages(pages) == {}
    views = {page.kind[0] for page in pages}
    for model in ["publications_publication", "options_policyoption", "taggit_tag"]:
        for view in ["changelist", "add", "change", "history", "delete"]:
            assert f"admin:{model}_{view}" in views
    assert "admin:view_on_site" in views
    # The change form with the rich-text editor uses its nonce, so the check above saw it.
    editor = next(p for p in pages if p.kind[0] == "admin:publications_publication_change")
    assert re.search(r'<script type="importmap" nonce="[^"]+">', editor.text)


def test_the_admin_login_page_carries_the_headers(site):
    response = Client().get(reverse("admin:login"))

    assert header_problems(response) == []
    assert script_problems(response, response.content.decode()) == []


def test_the_tag_merge_page_carries_the_headers(site, superuser_client):
    tags = Tag.objects.filter(slug__in=["diplomacy", "sanctions"])
    response = superuser_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge_selected", "_selected_action": [tag.pk for tag in tags]},
    )

    assert response.status_code == 200
    assert "Keep this tag" in response.content.decode()
    assert header_problems(response) == []
    assert script_problems(response, response.content.decode()) == []


def test_a_server_error_carries_the_headers(client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("policyhub.views.Publication.objects.published", explode)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert header_problems(response) == []


def test_the_https_redirect_carries_the_headers(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get(reverse("publications:list"))

    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert header_problems(response) == []


def test_static_files_are_served_by_whitenoise_with_the_headers(client, served_static):
    response = client.get("/static/js/suggest.js")

    assert response.status_code == 200
    # WhiteNoise answered before Django's view machinery: a file response, not a rendered page.
    assert response.streaming
    assert header_problems(response) == []


def test_the_checks_find_what_they_look_for(client):
    response = client.get("/")
    bad = '<script>alert(1)</script><a href="/" onclick="x()">x</a>'

    assert script_problems(response, bad) == [
        "<a onclick=…>",
        "inline <script {}> without the response's nonce",
    ]
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    problems = header_problems(response)
    assert "X-Frame-Options: 'SAMEORIGIN'" in problems
    assert any(problem.startswith("script-src") for problem in problems)
    assert any(problem.startswith("object-src") for problem in problems)
