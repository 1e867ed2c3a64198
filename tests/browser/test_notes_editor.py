"""The editor's footnote and figure buttons (static/js/prose_extensions.js), in a real browser:
what an editor adds is stored in the form the sanitiser keeps and the reader's page renders."""

import pytest
from django.urls import reverse

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
