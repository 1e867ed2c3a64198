"""What readers get: the documents on the publication page, the download itself, and the
metadata that points reference managers and search engines at the PDF."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication():
    publication = PublicationFactory(title="Engaging the North", slug="engaging")
    summary = DocumentFactory(title="In brief", file=pdf_upload(["Short"]))
    report = DocumentFactory(title="The full study", file=pdf_upload(["One", "Two", "Three"]))
    PublicationDocumentFactory(
        publication=publication, document=summary, label="executive-summary", order=1
    )
    PublicationDocumentFactory(publication=publication, document=report, order=0)
    return publication


def test_the_page_lists_the_documents_in_order(client, publication):
    page = client.get(publication.get_absolute_url()).content.decode()
    report, summary = [a.document for a in publication.attached_documents]
    assert page.index("The full study") < page.index("In brief")
    assert f'<a href="{report.get_absolute_url()}" type="application/pdf">Full report</a>' in page
    assert "(PDF, 1 KB, 3 pages)" in page
    assert "Executive summary" in page
    assert (
        f'<meta name="citation_pdf_url" content="http://testserver{report.get_absolute_url()}">'
        in page
    )
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)[1]
    )
    media = data["associatedMedia"]
    assert [item["name"] for item in media] == [
        "Full report: The full study",
        "Executive summary: In brief",
    ]
    assert media[0]["contentUrl"] == f"http://testserver{report.get_absolute_url()}"
    assert media[0]["encodingFormat"] == "application/pdf"


def test_the_citation_files_carry_the_pdf(client, publication):
    report = publication.attached_documents[0].document
    url = f"http://testserver{report.get_absolute_url()}"
    ris = client.get(reverse("publications:cite_ris", args=["engaging"])).content.decode()
    assert f"L1  - {url}\r\n" in ris
    bib = client.get(reverse("publications:cite_bibtex", args=["engaging"])).content.decode()
    assert "file = {Full text:" + url.replace(":", "\\:") + ":PDF}," in bib


def test_a_page_without_documents_has_none_of_it(client):
    page = client.get(PublicationFactory().get_absolute_url()).content.decode()
    assert "citation_pdf_url" not in page
    assert "associatedMedia" not in page
    assert "document-list" not in page


def test_the_download(client, publication):
    report = publication.attached_documents[0].document
    assert report.get_absolute_url() == f"/documents/{report.pk}/the-full-study.pdf"
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="the-full-study.pdf"'
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"] == f'"{report.sha256}"'
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == report.size
    again = client.get(report.get_absolute_url(), HTTP_IF_NONE_MATCH=f'"{report.sha256}"')
    assert again.status_code == 304


def test_an_old_slug_redirects_to_the_current_address(client, publication):
    report = publication.attached_documents[0].document
    response = client.get(f"/documents/{report.pk}/old-name.pdf")
    assert response.status_code == 301
    assert response["Location"] == report.get_absolute_url()


@pytest.mark.parametrize(
    "state", [{"draft": True}, {"scheduled": True}, {"in_review": True}, {"unpublished": True}]
)
def test_a_document_of_hidden_content_is_a_404_by_any_address(client, settings, state):
    document = PublicationDocumentFactory(publication=PublicationFactory(**state)).document
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(f"/documents/{document.pk}/other.pdf").status_code == 404
    # Neither the storage's own URL nor a guess under /media/ serves the file.
    assert client.get(document.file.url).status_code == 404
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert not str(settings.DOCUMENTS_ROOT).startswith(str(settings.MEDIA_ROOT))


def test_an_unattached_document_is_a_404(client):
    document = DocumentFactory()
    assert client.get(document.get_absolute_url()).status_code == 404
