"""A report PDF in a real browser: an editor uploads it to the document library, attaches it to a
new publication and publishes; a reader finds the publication by a sentence from the PDF's last
page and downloads the file from the publication page.
"""

import pytest
from django.urls import reverse

from policyhub.documents.models import Document
from publications.models import Publication
from tests.browser.admin_steps import (
    log_in,
    make_editor,
    pick_autocomplete,
    shoot,
    upload_document,
)
from tests.factories import PublicationTypeFactory
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Sandpiper Accords and the Northern Fisheries"
# No word of it in the publication's own text (not even "the": the highlighter marks every
# term), so the hit says where in the PDF it was found.
PHRASE = "herring stocks recover slowly along Varanger coasts"
PAGES = ["Introduction to the fisheries", "Methods and sources", f"In short, {PHRASE}."]


@pytest.fixture
def editor(roles, django_user_model):
    user = make_editor(django_user_model, roles["Editors"])
    PublicationTypeFactory(name="Report", slug="report")
    return user


def test_editor_attaches_a_report_and_a_reader_finds_and_downloads_it(
    editor, page, chromium, live_server
):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    content = make_pdf(PAGES, title="Sandpiper full report")

    log_in(page)

    # Upload to the library: the title comes from the PDF.
    upload_document(page, "sandpiper.pdf", content)
    assert "was added successfully" in page.locator(".messagelist").inner_text()
    document = Document.objects.get()
    assert (document.title, document.pages) == ("Sandpiper full report", 3)

    # Attach it to a new publication and publish.
    page.goto(reverse("admin:publications_publication_add"))
    page.locator("#id_title").press_sequentially(TITLE)
    pick_autocomplete(page, "id_publication_type", "Report")
    page.locator("#id_summary").fill("What the accords changed for the northern fisheries.")
    body = page.locator(".prose-editor > .ProseMirror").first
    body.click()
    page.keyboard.type("The accords set quotas for the northern fleets.")
    pick_autocomplete(page, "id_document_attachments-0-document", "Sandpiper full report")
    shoot(page, "documents", "01-attach")
    page.get_by_role("button", name="Publish (or schedule at the publish time)").last.click()
    page.wait_for_url("**/admin/publications/publication/")
    publication = Publication.objects.published().get(title=TITLE)
    assert [a.document for a in publication.document_attachments.all()] == [document]

    # A reader, not logged in, searches for a sentence found only on the PDF's last page.
    reader_context = chromium.new_context(base_url=live_server.url)
    try:
        reader = reader_context.new_page()
        reader.on("pageerror", lambda error: errors.append(str(error)))
        reader.goto(reverse("home"))
        box = reader.get_by_role("combobox", name="Search")
        box.fill(f'"{PHRASE}"')
        box.press("Enter")
        reader.wait_for_url("**/search/?q=*")
        hit = reader.locator(".search-hit", has_text=TITLE).first
        assert "Found on page 3 of the full report" in hit.inner_text()
        shoot(reader, "documents", "02-search")
        hit.get_by_role("link", name=TITLE).click()
        reader.wait_for_url(f"**{publication.get_absolute_url()}")
        link = reader.get_by_role("link", name="Full report")
        assert "(PDF, 1 KB, 3 pages)" in reader.locator("main").inner_text()
        shoot(reader, "documents", "03-detail")

        # The download link serves the very file, as a PDF with a readable name.
        href = link.get_attribute("href")
        assert href == document.get_absolute_url()
        response = reader_context.request.get(href)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert 'filename="sandpiper-full-report.pdf"' in response.headers["content-disposition"]
        assert response.body() == content
    finally:
        reader_context.close()

    assert errors == []
