"""Cover thumbnails: the first page drawn at upload, kept as WebP and JPEG renditions beside the
documents (not in the media folder), shown on the publication page and served only while the
document is."""

import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from policyhub.documents.covers import COVER_MAX_HEIGHT, MAX_SCALE, render_first_page
from policyhub.documents.models import Document
from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def page_of(width, height):
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=height)
    buffer = BytesIO()
    writer.write(buffer)
    buffer.seek(0)
    return buffer


def attached(**state):
    document = DocumentFactory(title="The full study", file=pdf_upload(["One", "Two"]))
    PublicationDocumentFactory(publication=PublicationFactory(**state), document=document)
    return document


def test_the_upload_draws_the_first_page_as_renditions(settings):
    document = DocumentFactory(file=pdf_upload(["One", "Two"]))
    # A letter page (612 × 792 points) at the two widths, in both formats.
    sizes = [(item["width"], item["height"]) for item in document.cover["jpeg"]]
    assert sizes == [(160, 208), (320, 415)]
    assert [item["width"] for item in document.cover["webp"]] == [160, 320]
    for key in ("jpeg", "webp"):
        for item in document.cover[key]:
            path = settings.DOCUMENTS_ROOT / item["name"]
            with Image.open(path) as image:
                assert image.format == key.upper()
                assert image.size == (item["width"], item["height"])
    assert not (settings.MEDIA_ROOT.exists() and any(settings.MEDIA_ROOT.rglob("*.*")))


def test_the_page_shows_the_cover_with_its_size_and_alt_text(client):
    document = attached()
    page = client.get(document.attachments.get().publication.get_absolute_url()).content.decode()
    base = f"/documents/{document.pk}/cover-"
    assert f'<source type="image/webp" srcset="{base}160w.webp 160w, {base}320w.webp 320w"' in page
    assert (
        f'<img src="{base}160w.jpg" srcset="{base}160w.jpg 160w, {base}320w.jpg 320w" '
        'sizes="80px" width="160" height="208" alt="Cover of The full study" '
        'class="document-list__cover" loading="lazy"'
    ) in page


@pytest.mark.parametrize(
    ("ending", "content_type", "format", "width"),
    [("160w.jpg", "image/jpeg", "JPEG", 160), ("320w.webp", "image/webp", "WEBP", 320)],
)
def test_the_cover_is_served_through_the_site(client, ending, content_type, format, width):
    document = attached()
    response = client.get(f"/documents/{document.pk}/cover-{ending}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "public" in response["Cache-Control"]
    with Image.open(BytesIO(b"".join(response.streaming_content))) as image:
        assert (image.format, image.width) == (format, width)


@pytest.mark.parametrize("ending", ["161w.jpg", "160w.png", "160w.pdf.jpg", "999999w.webp"])
def test_an_unknown_cover_is_a_404(client, ending):
    document = attached()
    assert client.get(f"/documents/{document.pk}/cover-{ending}").status_code == 404


def test_a_hidden_documents_cover_is_a_404(client):
    draft = attached(status="draft")
    loose = DocumentFactory()
    for document in (draft, loose):
        assert document.cover
        assert client.get(f"/documents/{document.pk}/cover-160w.jpg").status_code == 404
        name = document.cover["jpeg"][0]["name"]
        assert client.get(f"/media/{name}").status_code == 404


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        # A poster-sized page is drawn no wider than the largest rendition.
        (14400, 14400, (320, 320)),
        # A long strip: no taller than the height limit.
        (100, 14400, (7, COVER_MAX_HEIGHT)),
        # A stamp-sized page is not blown up past the scale limit.
        (10, 10, (int(10 * MAX_SCALE), int(10 * MAX_SCALE))),
    ],
)
def test_the_drawing_is_bounded(width, height, expected):
    image = render_first_page(page_of(width, height))
    assert abs(image.width - expected[0]) <= 1 and abs(image.height - expected[1]) <= 1


def test_a_page_over_the_memory_cap_costs_the_cover_not_the_document(client, settings):
    # Too little address space for PDFium to draw anything: the renderer fails, the upload not.
    settings.DOCUMENT_COVER_MEMORY = 32 * 1024 * 1024
    document = attached()
    assert document.cover == {} and document.pages == 2
    page = client.get(document.attachments.get().publication.get_absolute_url()).content.decode()
    assert "The full study" in page and "document-list__cover" not in page


def test_a_page_slower_than_the_time_limit_is_stopped(settings, caplog):
    settings.DOCUMENT_COVER_SECONDS = 0.05
    started = time.monotonic()
    assert render_first_page(page_of(612, 792)) is None
    assert time.monotonic() - started < 5
    assert "took over 0.05s" in caplog.text


def test_a_file_pdfium_cannot_open_has_no_cover():
    assert render_first_page(BytesIO(b"%PDF-1.7 not really")) is None


def test_replacing_or_deleting_the_file_deletes_the_old_cover(
    settings, django_capture_on_commit_callbacks
):
    document = DocumentFactory(file=pdf_upload(["One"]))
    old = {item["name"] for key in ("jpeg", "webp") for item in document.cover[key]}
    with django_capture_on_commit_callbacks(execute=True):
        document.file = SimpleUploadedFile("new.pdf", pdf_upload(["Two"]).read())
        document.save()
    assert not any((settings.DOCUMENTS_ROOT / name).exists() for name in old)
    new = {item["name"] for key in ("jpeg", "webp") for item in document.cover[key]}
    assert len(new) == 4 and all((settings.DOCUMENTS_ROOT / name).exists() for name in new)
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.get().delete()
    assert not any((settings.DOCUMENTS_ROOT / name).exists() for name in new)
