"""axe-core (from the npm registry, installed by `make install`) audits the reader pages.

axe is injected into a context that bypasses the page's CSP: the audit script is ours, not the
site's, and the site's own policy is checked by the other browser tests.

The site-wide audit takes every page a crawl of the populated site finds (tests/crawl.py: a few
URLs of each kind of page, ~30 pages, not every object), at 320 and 1280 px in one browser page.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.crawl import populate, reader_pages

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.fixture
def audit_page(chromium, live_server):
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing at {AXE_SCRIPT}: run `make install` (npm ci)")
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def run_axe(page):
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(
                    n => n.target.join(" ") + " — " + n.failureSummary),
            }));
        }"""
    )


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:detail", args=["enhancing-engagement-with-north-korea"]),
        reverse("search:search") + "?q=north+korea",
        reverse("options:list"),
        reverse("options:matrix"),
        "COMPARE",
    ],
    ids=["home", "list", "detail", "search", "options", "matrix", "compare"],
)
def test_reader_page_has_no_serious_or_critical_accessibility_violations(demo, audit_page, url):
    if url == "COMPARE":
        from options.models import PolicyOption

        slugs = PolicyOption.objects.visible().order_by("pk").values_list("slug", flat=True)[:3]
        url = reverse("options:compare") + "?options=" + ",".join(slugs)

    response = audit_page.goto(url)
    assert response.status == 200

    violations = run_axe(audit_page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], blocking


# WCAG 1.4.10 (reflow): 320 CSS px wide without scrolling sideways; and a desktop width.
WIDTHS = [320, 1280]


def test_every_crawled_reader_page_passes_axe_and_reflows(audit_page):
    populate()
    urls = [page.url for page in reader_pages(Client())]
    assert len(urls) > 20, urls

    problems = []
    for width in WIDTHS:
        audit_page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            audit_page.goto(url)
            overflow = audit_page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            if overflow > 0:
                problems.append(f"{width}px {url}: scrolls sideways by {overflow}px")
            for v in run_axe(audit_page):
                if v["impact"] in BLOCKING_IMPACTS:
                    problems.append(f"{width}px {url}: {v['id']} ({v['help']}) {v['targets']}")

    assert problems == [], "\n".join(problems)


def test_api_docs_page_has_no_serious_or_critical_accessibility_violations(demo, audit_page):
    # Swagger UI draws the page from the schema: audit it drawn, with an operation open (its
    # parameters and examples), and again with a request tried (the live response).
    response = audit_page.goto(reverse("api:docs"))
    assert response.status == 200
    operation = audit_page.locator("#operations-publications-publications_list")
    operation.locator(".opblock-summary-control").click()
    operation.locator(".parameters").wait_for()
    opened = run_axe(audit_page)
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    operation.locator(".live-responses-table").wait_for()
    tried = run_axe(audit_page)

    blocking = [v for v in opened + tried if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], blocking
