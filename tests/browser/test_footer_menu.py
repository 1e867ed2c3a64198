"""In a real browser: an editor writes and publishes a page, adds it to the footer menu, and a
reader on the home page follows the footer link to it.

Screenshots are saved under test-artifacts/ (kept by CI as artefacts).
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from policyhub.editorial.roles import EDITORS
from policyhub.pages.models import Menu, MenuItem, Page
from tests.browser.admin_steps import log_in, make_editor, pick_autocomplete, shoot

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Fellowships in Kelp Policy"


@pytest.fixture
def editor(django_user_model):
    call_command("load_demo", verbosity=0)
    return make_editor(django_user_model, Group.objects.get(name=EDITORS))


def test_editor_adds_a_page_to_the_footer_and_a_reader_follows_it(
    editor, page, chromium, live_server
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page)

    # The editor writes the page and publishes it.
    page.goto(reverse("admin:pages_page_add"))
    page.locator("#id_title").press_sequentially(TITLE)
    assert page.locator("#id_slug").input_value() == "fellowships-in-kelp-policy"
    page.locator("#id_summary").fill("Two fellowships a year for research on kelp farming.")
    body = page.locator(".prose-editor > .ProseMirror").first
    body.click()
    page.keyboard.type("Applications open each spring.")
    shoot(page, "footer-menu", "01-page-form")
    page.get_by_role("button", name="Publish (or schedule at the publish time)").last.click()
    page.wait_for_url("**/admin/pages/page/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    kelp = Page.objects.get(slug="fellowships-in-kelp-policy")
    assert Page.objects.visible().filter(pk=kelp.pk).exists()

    # ... and adds it at the end of the footer menu, in the menu's empty row.
    footer = Menu.objects.get(place=Menu.Place.FOOTER)
    row = footer.items.count()
    page.goto(reverse("admin:pages_menu_change", args=[footer.pk]))
    page.locator(f"#id_items-{row}-order").fill("99")
    pick_autocomplete(page, f"id_items-{row}-page", TITLE)
    page.locator(f"#id_items-{row}-label").fill("Fellowships")
    shoot(page, "footer-menu", "02-footer-menu")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/pages/menu/")
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    assert MenuItem.objects.filter(menu=footer, page=kelp, label="Fellowships").exists()

    # A reader, not logged in, follows the footer link from the home page.
    reader_context = chromium.new_context(base_url=live_server.url)
    try:
        reader = reader_context.new_page()
        reader.on("pageerror", lambda error: errors.append(str(error)))
        reader.goto(reverse("home"))
        footer_nav = reader.get_by_role("navigation", name="Footer")
        link = footer_nav.get_by_role("link", name="Fellowships")
        assert link.get_attribute("href") == kelp.get_absolute_url()
        shoot(reader, "footer-menu", "03-home-footer")
        link.click()
        reader.wait_for_url(f"**{kelp.get_absolute_url()}")
        assert reader.locator("h1").inner_text() == TITLE
        assert reader.get_by_text("Applications open each spring.").is_visible()
        shoot(reader, "footer-menu", "04-page")
    finally:
        reader_context.close()

    assert errors == []
