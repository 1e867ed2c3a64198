"""``manage.py make_covers``: covers for the documents that have none, and --all to redraw."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from policyhub.documents.models import Document
from tests.factories import DocumentFactory, pdf_upload
from tests.office_files import make_xlsx

pytestmark = pytest.mark.django_db


def make_covers(*args):
    out, err = StringIO(), StringIO()
    call_command("make_covers", "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_documents_without_a_cover_get_one(settings):
    bare = DocumentFactory(title="Bare", file=pdf_upload(["One"]))
    covered = DocumentFactory(title="Covered", file=pdf_upload(["Two"]))
    missing = DocumentFactory(title="Lost file", file=pdf_upload(["Three"]))
    Document.objects.filter(pk__in=[bare.pk, missing.pk]).update(cover={})
    (settings.DOCUMENTS_ROOT / missing.file.name).unlink()
    before = Document.objects.get(pk=covered.pk).updated_at

    out, err = make_covers()

    assert "Drew 1 covers; 1 could not be drawn." in out
    assert f"No cover for document {missing.pk} (Lost file)." in err
    bare.refresh_from_db()
    names = [item["name"] for key in ("jpeg", "webp") for item in bare.cover[key]]
    assert len(names) == 4
    assert all((settings.DOCUMENTS_ROOT / name).exists() for name in names)
    # A document that has a cover is left alone.
    assert Document.objects.get(pk=covered.pk).updated_at == before


def test_all_draws_every_cover_again():
    DocumentFactory(file=pdf_upload(["One"]))
    DocumentFactory(file=pdf_upload(["Two"]))
    # Not a PDF: it has no cover to draw, and is not reported as failing.
    sheet = DocumentFactory(file=SimpleUploadedFile("tables.xlsx", make_xlsx({"A": [["x"]]})))
    assert sheet.cover == {} and not sheet.draw_cover()
    assert "Drew 0 covers; 0 could not be drawn." in make_covers()[0]
    assert "Drew 2 covers; 0 could not be drawn." in make_covers("--all")[0]
