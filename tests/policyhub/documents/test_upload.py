"""Uploading documents through the admin library: what is accepted, what is refused and why,
and that a refused or failed upload leaves neither a row nor a file behind."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policyhub.documents.admin import DocumentAdmin
from policyhub.documents.models import Document
from tests.factories import image_file, pdf_upload
from tests.pdfs import blank_pdf, make_pdf

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:documents_document_add")


def stored_files(settings):
    root = settings.DOCUMENTS_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(client, file, **fields):
    data = {"title": "", "description": "", "language": "en", "file": file, **fields}
    return client.post(ADD_URL, data)


def test_a_pdf_is_stored_with_what_is_read_from_it(admin_client, settings):
    file = pdf_upload(
        ["Cover", "Second page", "Third page"],
        name="Annual Report 2026.PDF",
        title="Annual report",
        author="Ann Author",
    )
    response = upload(admin_client, file)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "Annual report"  # the PDF's own title, as none was typed
    assert (document.pages, document.pdf_title, document.pdf_author) == (
        3,
        "Annual report",
        "Ann Author",
    )
    assert document.page_texts == ["Cover", "Second page", "Third page"]
    assert document.text_complete
    assert document.size == file.size
    assert len(document.sha256) == 64
    assert document.file.name.endswith("/annual-report-2026.pdf")
    # The file and its cover's renditions (test_covers.py).
    assert stored_files(settings) == [
        "annual-report-2026-160w.jpg",
        "annual-report-2026-160w.webp",
        "annual-report-2026-320w.jpg",
        "annual-report-2026-320w.webp",
        "annual-report-2026.pdf",
    ]
    # Outside the public media folder.
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.pdf")))


def test_the_type_comes_from_parsing_not_the_name(admin_client):
    response = upload(admin_client, pdf_upload(["Text"], name="notes.txt"))
    assert response.status_code == 302
    assert Document.objects.get().file.name.endswith("/notes.pdf")


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "report.pdf",
            image_file().read(),
            "“report.pdf” is not a document this library accepts: upload a PDF, DOCX, XLSX, "
            "CSV or EPUB file.",
        ),
        (
            "report.pdf",
            b"%PDF-1.7\n" + b"junk " * 200,
            "“report.pdf” is damaged or incomplete",
        ),
        (
            "locked.pdf",
            make_pdf(["Secret"], password="pw"),
            "“locked.pdf” is encrypted or password-protected: upload an unprotected copy.",
        ),
        (
            "cut.pdf",
            make_pdf(["One", "Two", "Three"])[:-300],
            "“cut.pdf” is damaged or incomplete (it may have been cut short while copying)",
        ),
        ("bomb.pdf", blank_pdf(21), "“bomb.pdf” has 21 pages; the limit is 20."),
    ],
    ids=["fake", "corrupt", "encrypted", "truncated", "page-bomb"],
)
def test_refused_files_say_why_and_leave_nothing(admin_client, settings, name, data, message):
    settings.DOCUMENT_MAX_PAGES = 20
    response = upload(admin_client, SimpleUploadedFile(name, data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_oversized_file_is_refused_before_it_is_parsed(admin_client, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    with mock.patch("policyhub.documents.pdf.PdfReader") as reader:
        response = upload(admin_client, pdf_upload(["x" * 2000]))
    assert "“report.pdf” is larger than 1,024 bytes." in response.content.decode()
    reader.assert_not_called()
    assert not Document.objects.exists()


def test_a_page_count_bomb_is_refused_from_its_declared_count(admin_client, settings):
    settings.DOCUMENT_MAX_PAGES = 20
    data = blank_pdf(2).replace(b"/Count 2", b"/Count 9000000")
    with mock.patch("pypdf.PdfReader.pages", new_callable=mock.PropertyMock) as pages:
        response = upload(admin_client, SimpleUploadedFile("bomb.pdf", data))
    assert "“bomb.pdf” has 9,000,000 pages; the limit is 20." in response.content.decode()
    pages.assert_not_called()  # the page tree was never walked


def test_extraction_stops_at_its_time_limit(admin_client, settings):
    settings.DOCUMENT_EXTRACTION_SECONDS = 0
    response = upload(admin_client, pdf_upload(["One", "Two"]))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.pages, document.page_texts, document.text_complete) == (2, ["", ""], False)


def test_a_save_that_fails_after_the_file_is_written_leaves_no_file(admin_client, settings):
    with (
        mock.patch.object(DocumentAdmin, "log_addition", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        upload(admin_client, pdf_upload(["Text"]))
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_a_script_save_that_fails_leaves_no_file(settings):
    document = Document(title="T", file=pdf_upload(["Text"]))
    with (
        mock.patch("django.db.models.Model.save_base", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        document.save()
    assert stored_files(settings) == []


def test_deleting_a_document_deletes_its_file(settings, django_capture_on_commit_callbacks):
    document = Document.objects.create(title="T", file=pdf_upload(["Text"]))
    assert "report.pdf" in stored_files(settings) and len(stored_files(settings)) == 5
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert stored_files(settings) == []
