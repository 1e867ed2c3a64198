"""The whole journey in a real browser: an editor writes and publishes a publication with tags and
an image; a reader finds it with the header search box and on its tag page; the compare view works.

Screenshots of the key pages are saved under test-artifacts/ (kept by CI as artefacts).
"""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from policyhub.editorial.roles import EDITORS
from publications.models import Publication
from tests.browser.admin_steps import log_in, make_editor, pick_autocomplete, shoot

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Quillwort Corridors for Grain Shipments"


@pytest.fixture
def editor(django_user_model):
    call_command("load_demo", verbosity=0)
    return make_editor(django_user_model, Group.objects.get(name=EDITORS))


def png_bytes(width=1200, height=800):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 140)).save(buffer, "PNG")
    return buffer.getvalue()


def test_editor_publishes_and_a_reader_finds_it(editor, page, chromium, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The editor logs in and writes the publication.
    log_in(page)
    shoot(page, "journey", "01-dashboard")

    page.goto(reverse("admin:publications_publication_add"))
    page.locator("#id_title").press_sequentially(TITLE)
    assert page.locator("#id_slug").input_value() == "quillwort-corridors-for-grain-shipments"
    pick_autocomplete(page, "id_publication_type", "Analysis and Commentary")
    page.locator("#id_summary").fill("How grain could move through the quillwort corridors.")
    body = page.locator(".prose-editor > .ProseMirror").first
    body.click()
    page.keyboard.type("Shipping lanes reopened under a monitored arrangement.")
    page.locator("#id_tags").fill("grain diplomacy, Yellow Sea")
    page.locator("#id_hero_image").set_input_files(
        {"name": "harbour.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.locator("#id_hero_alt").fill("Cargo cranes at a harbour at dusk")
    shoot(page, "journey", "02-editor-form")
    page.get_by_role("button", name="Publish (or schedule at the publish time)").last.click()
    page.wait_for_url("**/admin/publications/publication/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    publication = Publication.objects.get(slug="quillwort-corridors-for-grain-shipments")
    assert Publication.objects.published().filter(pk=publication.pk).exists()
    assert "Shipping lanes reopened" in publication.body
    assert {tag.name for tag in publication.tags.all()} == {"grain diplomacy", "Yellow Sea"}

    # A reader, not logged in, finds it with the header search box.
    reader_context = chromium.new_context(base_url=live_server.url)
    try:
        reader = reader_context.new_page()
        reader.on("pageerror", lambda error: errors.append(str(error)))
        reader.goto(reverse("home"))
        box = reader.get_by_role("combobox", name="Search")
        box.fill("quillwort")
        box.press("Enter")
        reader.wait_for_url("**/search/?q=quillwort*")
        shoot(reader, "journey", "03-search")
        reader.get_by_role("link", name=TITLE).first.click()
        reader.wait_for_url(f"**{publication.get_absolute_url()}")
        assert reader.locator("h1").inner_text() == TITLE
        hero = reader.locator("img[alt='Cargo cranes at a harbour at dusk']").first
        assert hero.get_attribute("width") and hero.get_attribute("height")
        assert hero.evaluate("image => image.complete && image.naturalWidth > 0")
        shoot(reader, "journey", "04-detail")

        # ... and on its tag page.
        reader.get_by_role("link", name="grain diplomacy").first.click()
        reader.wait_for_url("**/tags/grain-diplomacy/")
        assert reader.get_by_role("link", name=TITLE).count() >= 1
        shoot(reader, "journey", "05-tag")

        # The compare view: two options ticked on the options list.
        reader.goto(reverse("options:list"))
        reader.get_by_role("checkbox", name="Compare").first.check()
        reader.get_by_role("checkbox", name="Compare").nth(1).check()
        reader.get_by_role("button", name="Compare").first.click()
        reader.wait_for_url("**/options/compare/**")
        assert reader.locator("table th[scope=col]").count() >= 2
        shoot(reader, "journey", "06-compare")
    finally:
        reader_context.close()

    assert errors == []
