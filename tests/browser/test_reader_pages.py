import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_compare_ticked_options_without_javascript_help(demo, page):
    page.goto(reverse("options:list"))
    page.get_by_role("checkbox", name="Compare").first.check()
    page.get_by_role("checkbox", name="Compare").nth(1).check()
    page.get_by_role("button", name="Compare").first.click()

    page.wait_for_url("**/options/compare/**")
    assert page.locator("h1").inner_text().lower().startswith("compare")
    assert page.locator("table th[scope=col]").count() >= 2


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:detail", args=["enhancing-engagement-with-north-korea"]),
        reverse("options:list"),
        reverse("options:matrix"),
        reverse("options:question", args=["how-should-washington-engage-north-korea"]),
    ],
)
def test_pages_load_with_no_console_errors_under_the_content_security_policy(demo, page, url):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = page.goto(url)
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert errors == []
    # The stylesheet really applied (a CSP or static-files mistake would leave the page unstyled).
    assert page.eval_on_selector("body", "el => getComputedStyle(el).margin") == "0px"
