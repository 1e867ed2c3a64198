"""A spreadsheet in a real browser: an editor uploads an XLSX to the document library and sees its
type; once a published publication lists it, a reader finds the publication by a cell's text,
told which sheet it is on, and downloads the very file as a spreadsheet.
"""

import pytest
from django.urls import reverse

from policyhub.documents.models import Document
from tests.browser.admin_steps import log_in, make_editor, shoot, upload_document
from tests.factories import PublicationDocumentFactory, PublicationFactory
from tests.office_files import make_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Catch quotas of the northern fleets"
PHRASE = "Varanger herring quota"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_editor_uploads_a_spreadsheet_and_a_reader_finds_it(
    roles, django_user_model, page, chromium, live_server
):
    make_editor(django_user_model, roles["Editors"])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    content = make_xlsx(
        {"Summary": [["Total", 1200]], "Fisheries": [[PHRASE, 340]]}, title="Quota tables"
    )

    log_in(page)
    # Named .pdf: the type is read from the file, not the name.
    upload_document(page, "quotas.pdf", content)
    row = page.locator("#result_list tbody tr", has_text="Quota tables")
    assert "XLSX" in row.inner_text()
    shoot(page, "documents", "11-library-xlsx")
    document = Document.objects.get()
    assert document.file.name.endswith("/quotas.xlsx")

    publication = PublicationFactory(title=TITLE, summary="Who may fish what.")
    PublicationDocumentFactory(publication=publication, document=document)

    reader_context = chromium.new_context(base_url=live_server.url)
    try:
        reader = reader_context.new_page()
        reader.on("pageerror", lambda error: errors.append(str(error)))
        reader.goto(reverse("search:search") + f"?q={PHRASE.replace(' ', '+')}")
        hit = reader.locator(".search-hit", has_text=TITLE).first
        assert "Found in the sheet “Fisheries” of the full report" in hit.inner_text()
        shoot(reader, "documents", "12-search-xlsx")
        hit.get_by_role("link", name=TITLE).click()
        reader.wait_for_url(f"**{publication.get_absolute_url()}")
        assert f"(XLSX, {document.size_label})" in reader.locator("main").inner_text()
        assert reader.locator(".document-list img").count() == 0  # no cover, no broken image
        href = reader.get_by_role("link", name="Full report").get_attribute("href")
        assert href == document.get_absolute_url() and href.endswith(".xlsx")
        response = reader_context.request.get(href)
        assert response.status == 200
        assert response.headers["content-type"] == XLSX_TYPE
        assert response.headers["content-disposition"] == 'attachment; filename="quota-tables.xlsx"'
        assert response.body() == content
    finally:
        reader_context.close()

    assert errors == []
