import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_header_box_suggests_as_you_type_and_keyboard_opens_a_suggestion(demo, page):
    page.goto(reverse("publications:list"))
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("sequencing sanc")

    suggestion = page.get_by_role("option", name="Sequencing Sanctions Relief")
    suggestion.wait_for()
    assert box.get_attribute("aria-expanded") == "true"

    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == suggestion.get_attribute("id")
    box.press("Enter")

    page.wait_for_url("**/publications/sequencing-sanctions-relief/")
    assert "Sequencing Sanctions Relief" in page.locator("h1").inner_text()


def test_escape_closes_the_suggestions(demo, page):
    page.goto(reverse("home"))
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("north")
    page.get_by_role("listbox", name="Suggestions").wait_for()

    box.press("Escape")

    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox", name="Suggestions").is_hidden()


def test_search_box_works_without_javascript(demo, chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(reverse("publications:list"))
        box = page.locator("header").get_by_role("searchbox", name="Search")
        box.fill("liaison offices")
        box.press("Enter")

        page.wait_for_url("**/search/?q=liaison+offices")
        assert page.get_by_role("link", name="Establish liaison offices").count() == 1
    finally:
        context.close()
