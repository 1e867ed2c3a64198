import pytest
from django.urls import reverse

from tests.factories import PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long passphrase")
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


def watch_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.parametrize(
    "change_url",
    [
        lambda: reverse(
            "admin:publications_publication_change",
            args=[PublicationFactory(body="<p>Existing body text</p>").pk],
        ),
        lambda: reverse(
            "admin:options_policyoption_change",
            args=[PolicyOptionFactory(description="<p>Existing body text</p>").pk],
        ),
    ],
    ids=["publication", "option"],
)
def test_rich_text_editor_runs_under_the_admin_content_security_policy(editor_page, change_url):
    errors = watch_errors(editor_page)

    response = editor_page.goto(change_url())
    editor = editor_page.locator(".prose-editor > .ProseMirror")
    editor.wait_for()

    policy = response.headers["content-security-policy"]
    assert "'nonce-" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert editor.get_attribute("contenteditable") == "true"
    assert "Existing body text" in editor.inner_text()
    assert errors == []


def test_editor_can_write_and_save_a_publication_body(editor_page):
    publication = PublicationFactory(body="<p>Old text</p>")
    editor_page.goto(reverse("admin:publications_publication_change", args=[publication.pk]))
    editor = editor_page.locator(".prose-editor > .ProseMirror")
    editor.click()
    editor_page.keyboard.press("Control+a")
    editor_page.keyboard.type("Freshly typed paragraph")
    # The publication is live: an editor's save waits as pending changes unless published.
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="Publish changes").first.click()

    publication.refresh_from_db()
    assert "Freshly typed paragraph" in publication.body
    assert "Old text" not in publication.body


def test_rich_text_editor_keeps_the_browser_spellcheck(editor_page):
    publication = PublicationFactory()
    editor_page.goto(reverse("admin:publications_publication_change", args=[publication.pk]))
    editor = editor_page.locator(".prose-editor > .ProseMirror")
    editor.wait_for()

    assert editor.evaluate("element => element.spellcheck") is True
