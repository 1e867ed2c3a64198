"""Footnotes, contents and figures in a real browser: the editor's buttons
(static/js/prose_extensions.js) store what the sanitiser keeps and the reader's page renders;
the reader's page passes axe at phone and desktop widths."""

import pytest
from django.urls import reverse

from tests.browser.test_axe import BLOCKING_IMPACTS, run_axe
from tests.crawl import populate
from tests.factories import LibraryImageFactory, PublicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def open_editor(page, publication):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(reverse("admin:publications_publication_change", args=[publication.pk]))
    editor = page.locator(".prose-editor > .ProseMirror")
    editor.wait_for()
    return editor, errors


def save(page):
    # The publication is live: the superuser publishes the change at once.
    with page.expect_navigation():
        page.get_by_role("button", name="Publish changes").first.click()


def test_editor_shows_stored_notes_and_figures_and_keeps_them(superuser_page):
    image = LibraryImageFactory()
    publication = PublicationFactory(
        body=(
            '<p>Claim<span data-footnote="">A source.</span></p>'
            f'<figure data-image="{image.pk}"></figure>'
        )
    )
    editor, errors = open_editor(superuser_page, publication)

    assert "[Note: A source.]" in editor.inner_text()
    assert f"Figure: image {image.pk}" in editor.inner_text()
    save(superuser_page)

    publication.refresh_from_db()
    assert '<span data-footnote="">A source.</span>' in publication.body
    assert f'<figure data-image="{image.pk}"></figure>' in publication.body
    assert errors == []


def test_editor_adds_a_footnote_and_a_figure(superuser_page):
    image = LibraryImageFactory()
    publication = PublicationFactory(body="<p>Claim</p>")
    editor, errors = open_editor(superuser_page, publication)

    editor.click()
    superuser_page.keyboard.press("End")
    superuser_page.get_by_role("button", name="Add a footnote here").click()
    dialog = superuser_page.locator("dialog[open]")
    dialog.locator("textarea").fill("UN report <script>alert(1)</script>, https://example.org/un")
    dialog.get_by_role("button", name="Update").click()
    superuser_page.get_by_role("button", name="Insert a figure from the image library").click()
    dialog = superuser_page.locator("dialog[open]")
    dialog.locator("input").fill(str(image.pk))
    dialog.get_by_role("button", name="Update").click()
    save(superuser_page)

    publication.refresh_from_db()
    assert (
        '<span data-footnote="">UN report &lt;script&gt;alert(1)&lt;/script&gt;, '
        "https://example.org/un</span>" in publication.body
    )
    assert f'<figure data-image="{image.pk}"></figure>' in publication.body
    html = superuser_page.goto(publication.get_absolute_url()).text()
    assert '<a href="https://example.org/un" rel="nofollow">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert errors == []


@pytest.fixture
def article_page(chromium, live_server):
    """The populated site's long read (tests/crawl.py: contents, notes, a figure), in a context
    where axe may run (it bypasses the CSP: the audit script is ours, not the site's)."""
    populate()
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_an_article_with_notes_contents_and_a_figure_passes_axe(article_page, width):
    article_page.set_viewport_size({"width": width, "height": 900})
    article_page.goto(reverse("publications:detail", args=["talks-before-threats"]))

    side = article_page.locator(".toc--side")
    block = article_page.locator(".toc--block")
    # One table of contents shows: a column on wide screens, a collapsed block on phones.
    assert (side.is_visible(), block.is_visible()) == (width >= 1024, width < 1024)
    if width < 1024:
        assert not block.locator("a").first.is_visible()
        block.locator("summary").click()
        assert block.locator("a").first.is_visible()
    assert article_page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    figure = article_page.locator(".body-figure img")
    assert figure.get_attribute("width") and figure.get_attribute("height")
    blocking = [v for v in run_axe(article_page) if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], blocking

    # A note's number leads to the note, and the note's back link to the number.
    article_page.locator("#note-ref-2").click()
    assert article_page.evaluate("location.hash") == "#note-2"
    article_page.locator("#note-2 [role=doc-backlink]").click()
    assert article_page.evaluate("location.hash") == "#note-ref-2"
