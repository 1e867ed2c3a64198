"""What readers get for documents beyond PDF: the download under its own extension and type, the
publication page's type and size with a type label for a cover, JSON-LD's encodingFormat, and
the PDF-only citation fields pointing at the first PDF or at nothing."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)
from tests.office_files import make_docx, make_epub, make_xlsx

pytestmark = pytest.mark.django_db

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "epub": "application/epub+zip",
}


def office_document(extension, title):
    data = {
        "docx": lambda: make_docx(["Some words"]),
        "xlsx": lambda: make_xlsx({"Budget": [["Rice", 12]]}),
        "csv": lambda: b"region,tonnes\nNorth,12\n",
        "epub": lambda: make_epub(["A chapter"]),
    }[extension]()
    return DocumentFactory(title=title, file=SimpleUploadedFile(f"file.{extension}", data))


def attach(publication, document, order=0, label="full-report"):
    PublicationDocumentFactory(publication=publication, document=document, order=order, label=label)


def json_ld(page):
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)[1]
    )


@pytest.mark.parametrize("extension", TYPES)
def test_the_download_has_its_extension_and_type(client, extension):
    document = office_document(extension, "The data tables")
    attach(PublicationFactory(), document)
    url = document.get_absolute_url()
    assert url == f"/documents/{document.pk}/the-data-tables.{extension}"
    response = client.get(url)
    assert response.status_code == 200
    expected = TYPES[extension] + ("; charset=utf-8" if extension == "csv" else "")
    assert response["Content-Type"] == expected
    # Only a PDF opens in the browser; the rest download under their name.
    assert response["Content-Disposition"] == (
        f'attachment; filename="the-data-tables.{extension}"'
    )
    assert response["ETag"] == f'"{document.sha256}"'
    document.file.open("rb")
    assert b"".join(response.streaming_content) == document.file.read()
    document.file.close()


def test_a_wrong_extension_redirects_to_the_right_one(client):
    document = office_document("xlsx", "Tables")
    attach(PublicationFactory(), document)
    response = client.get(f"/documents/{document.pk}/tables.pdf")
    assert response.status_code == 301
    assert response["Location"] == document.get_absolute_url()
    assert client.get(f"/documents/{document.pk}/tables.exe").status_code == 404


def test_the_page_shows_type_and_size_and_a_label_for_a_cover(client):
    publication = PublicationFactory(title="Engaging the North", slug="engaging")
    attach(publication, office_document("xlsx", "Budget tables"))
    attach(publication, office_document("epub", "The e-book"), order=1, label="annex")
    page = client.get(publication.get_absolute_url()).content.decode()
    sheet, book = [a.document for a in publication.attached_documents]
    assert f'<a href="{sheet.get_absolute_url()}" type="{TYPES["xlsx"]}">Full report</a>' in page
    assert "(XLSX, 1 KB)" in page and "(EPUB, 1 KB)" in page
    assert "page" not in re.search(r"\(XLSX[^)]*\)", page)[0]  # no pages for a spreadsheet
    assert '<span class="document-list__type" aria-hidden="true">XLSX</span>' in page
    assert "document-list__cover" not in page and "/cover-" not in page
    media = json_ld(page)["associatedMedia"]
    assert [item["encodingFormat"] for item in media] == [TYPES["xlsx"], TYPES["epub"]]
    # citation_pdf_url, RIS and BibTeX name a PDF: there is none.
    assert "citation_pdf_url" not in page
    ris = client.get(reverse("publications:cite_ris", args=["engaging"])).content.decode()
    assert "L1  -" not in ris
    bib = client.get(reverse("publications:cite_bibtex", args=["engaging"])).content.decode()
    assert "file = {" not in bib


def test_the_citation_fields_point_at_the_first_pdf(client):
    publication = PublicationFactory(slug="engaging")
    attach(publication, office_document("docx", "Draft in Word"))
    report = DocumentFactory(title="The report", file=pdf_upload(["One"]))
    attach(publication, report, order=1, label="annex")
    page = client.get(publication.get_absolute_url()).content.decode()
    url = f"http://testserver{report.get_absolute_url()}"
    assert f'<meta name="citation_pdf_url" content="{url}">' in page
    ris = client.get(reverse("publications:cite_ris", args=["engaging"])).content.decode()
    assert f"L1  - {url}\r\n" in ris
    assert "(PDF, 1 KB, 1 page)" in page and "(DOCX, 1 KB)" in page


def test_the_api_gives_the_type_and_pages_only_for_pdfs(client):
    publication = PublicationFactory(slug="engaging")
    sheet = office_document("xlsx", "Budget tables")
    attach(publication, sheet)
    attach(publication, DocumentFactory(file=pdf_upload(["One", "Two"])), order=1)
    documents = client.get(f"/api/v1/publications/{publication.slug}/").json()["documents"]
    assert [(d["type"], d["pages"]) for d in documents] == [
        (TYPES["xlsx"], None),
        ("application/pdf", 2),
    ]
    assert documents[0]["url"] == f"http://testserver{sheet.get_absolute_url()}"
