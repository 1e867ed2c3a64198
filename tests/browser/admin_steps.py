"""Steps the browser journeys share: logging an editor in, choosing in an autocomplete widget,
keeping a screenshot of each step under test-artifacts/."""

from pathlib import Path

from django.urls import reverse

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
EDITOR_PASSWORD = "a long editor passphrase"


def make_editor(django_user_model, editors_group):
    user = django_user_model.objects.create_user(
        "editor", "editor@example.org", EDITOR_PASSWORD, is_staff=True
    )
    user.groups.add(editors_group)
    return user


def log_in(page, username="editor", password=EDITOR_PASSWORD):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def pick_autocomplete(page, field_id, text):
    """Choose a value in one of the admin's autocomplete (select2) widgets, by element id."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def shoot(page, journey, name):
    folder = ARTIFACTS / journey
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def upload_document(page, name, content):
    """Add a file to the document library and wait for the list it returns to."""
    page.goto(reverse("admin:documents_document_add"))
    page.locator("#id_file").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content}
    )
    page.get_by_role("button", name="Save", exact=True).click()
    # Reading the file and drawing its cover (a process of its own) take a while on a busy machine.
    page.wait_for_url("**/admin/documents/document/", timeout=60_000)
