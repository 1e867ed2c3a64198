"""The admin's own scripts keep working under the Content Security Policy: no violation and no
console error on its busiest pages, and the widgets that scripts build are there."""

import pytest
from django.urls import reverse

from tests.crawl import populate

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long passphrase"
# Collects what the browser blocked, before any page script runs.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def admin_page(page, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    page.add_init_script(WATCH_VIOLATIONS)
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate("window.__violations")


def test_admin_widgets_work_under_the_policy(admin_page):
    site = populate()
    page = admin_page

    # Changelist: the actions script counts the selection.
    assert visit(page, reverse("admin:publications_publication_changelist")) == []
    page.locator("#action-toggle").check()
    assert "selected" in page.locator(".action-counter").inner_text()

    # Add form: the slug fills itself from the title; date shortcuts and autocompletes appear.
    assert visit(page, reverse("admin:publications_publication_add")) == []
    page.locator("#id_title").press_sequentially("Talks before threats again")
    assert page.locator("#id_slug").input_value() == "talks-before-threats-again"
    assert page.locator(".datetimeshortcuts").count() > 0
    assert page.locator(".select2-container").count() > 0

    # Two-box selector for a question's regions.
    change_question = reverse("admin:options_policyquestion_change", args=[site["question"].pk])
    assert visit(page, change_question) == []
    assert page.locator(".selector-available").count() == 1

    # Related-object popups, history, the password form.
    assert visit(page, reverse("admin:options_policyoption_change", args=[site["option"].pk])) == []
    assert page.locator(".related-widget-wrapper-link").count() > 0
    assert visit(page, reverse("admin:password_change")) == []

    assert page.errors == []
