"""Documents in the interchange format: files beside the JSON Lines file, checksums verified,
export → import → export byte-identical, a re-import changing nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from policyhub.documents.models import Document, PublicationDocument
from publications.models import Publication
from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
    publication_line,
)
from tests.office_files import make_xlsx

pytestmark = pytest.mark.django_db


def export(folder):
    folder.mkdir(parents=True, exist_ok=True)
    call_command("export_content", str(folder / "out.jsonl"))
    return (folder / "out.jsonl").read_bytes()


def import_file(path, *args):
    call_command("import_content", str(path), "--no-progress", *args)


def lines(data, kind="publication"):
    return [json.loads(x) for x in data.decode().splitlines() if f'"kind": "{kind}"' in x]


def stored(settings):
    root = settings.DOCUMENTS_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def empty_the_site(settings, tmp_path, name):
    Publication.objects.all().delete()
    Document.objects.all().delete()
    # Another site's storage: nothing of the first one's files to lean on.
    settings.DOCUMENTS_ROOT = tmp_path / name
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **settings.STORAGES["documents"],
            "OPTIONS": {**settings.STORAGES["documents"]["OPTIONS"], "location": tmp_path / name},
        },
    }


@pytest.fixture
def site():
    report = DocumentFactory(
        title="The full study",
        description="Everything.",
        language="fr",
        file=pdf_upload(["One", "The quokka clause is on page two"], name="study.pdf"),
    )
    summary = DocumentFactory(title="In brief", file=pdf_upload(["Short"], name="brief.pdf"))
    main = PublicationFactory(slug="main", title="Main")
    other = PublicationFactory(slug="other", title="Other")
    PublicationDocumentFactory(
        publication=main, document=summary, label="executive-summary", order=1
    )
    PublicationDocumentFactory(publication=main, document=report, order=0)
    PublicationDocumentFactory(publication=other, document=report, label="annex")
    return report, summary


def test_documents_are_exported_beside_the_file(tmp_path, site):
    report, summary = site
    data = export(tmp_path / "out")
    main = next(line for line in lines(data) if line["slug"] == "main")
    assert main["documents"] == [
        {
            "file": f"documents/{report.file.name}",
            "sha256": report.sha256,
            "label": "full-report",
            "title": "The full study",
            "description": "Everything.",
            "language": "fr",
        },
        {
            "file": f"documents/{summary.file.name}",
            "sha256": summary.sha256,
            "label": "executive-summary",
            "title": "In brief",
            "language": "en",
        },
    ]
    report.file.open("rb")
    assert (tmp_path / "out" / main["documents"][0]["file"]).read_bytes() == report.file.read()
    report.file.close()
    # Listed by two publications, copied once.
    assert len(list((tmp_path / "out" / "documents").rglob("*.pdf"))) == 2


def test_round_trip_is_byte_identical_and_a_rerun_changes_nothing(tmp_path, settings, site, client):
    first = export(tmp_path / "out1")
    empty_the_site(settings, tmp_path, "other-site")
    import_file(tmp_path / "out1" / "out.jsonl", "--strict")

    assert Document.objects.count() == 2  # the shared report is one document again
    report = Document.objects.get(title="The full study")
    assert report.pages == 2 and report.page_texts[1] == "The quokka clause is on page two"
    assert report.cover["jpeg"] and report.language == "fr"
    assert [(a.publication.slug, a.label) for a in report.attachments.order_by("pk")] == [
        ("main", "full-report"),
        ("other", "annex"),
    ]
    assert export(tmp_path / "out2") == first
    # Found by its text: the search index covers imported documents.
    found = client.get("/search/", {"q": "quokka clause"}).content.decode()
    assert "/publications/main/" in found

    files = stored(settings)
    updated = {d.pk: d.updated_at for d in Document.objects.all()}
    import_file(tmp_path / "out1" / "out.jsonl", "--strict")
    assert stored(settings) == files
    assert {d.pk: d.updated_at for d in Document.objects.all()} == updated
    assert PublicationDocument.objects.count() == 3


def test_a_file_that_does_not_match_its_checksum_is_refused(tmp_path, settings, site):
    data = export(tmp_path / "out")
    empty_the_site(settings, tmp_path, "other-site")
    path = tmp_path / "out" / lines(data)[0]["documents"][0]["file"]
    path.write_bytes(pdf_upload(["Something else"]).read())

    with pytest.raises(CommandError):
        import_file(tmp_path / "out" / "out.jsonl")
    assert not Publication.objects.filter(slug="main").exists()
    assert not Document.objects.exists()
    # The files stored before the batch rolled back went with it.
    assert stored(settings) == []


def write_line(folder, **fields):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "in.jsonl").write_text(json.dumps(publication_line("a", **fields)) + "\n")
    return folder / "in.jsonl"


def test_a_file_that_is_not_a_pdf_is_refused_with_the_upload_message(tmp_path, capsys):
    path = write_line(tmp_path, documents=[{"file": "notes.pdf"}])
    (tmp_path / "notes.pdf").write_text("just words")
    with pytest.raises(CommandError):
        import_file(path)
    assert "“notes.pdf” is not a document this library accepts" in capsys.readouterr().err
    assert not Document.objects.exists()


def test_strict_names_a_missing_file(tmp_path, capsys):
    path = write_line(tmp_path, documents=[{"file": "documents/gone.pdf"}])
    with pytest.raises(CommandError):
        import_file(path, "--strict")
    assert 'document file "documents/gone.pdf" not found' in capsys.readouterr().err


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ([{"file": "../x.pdf"}], 'document file "../x.pdf" must be a path inside'),
        ([{"file": "x.pdf", "sha256": "abc"}], '"sha256" must be 64 hexadecimal digits'),
        ([{"file": "x.pdf", "label": "poster"}], 'unknown label "poster"'),
        ([{"file": "x.pdf", "size": 3}], '"documents" has unknown key(s): size'),
        ([{"label": "annex"}], 'each of "documents" needs a "file"'),
        ("x.pdf", '"documents" must be a list'),
    ],
)
def test_bad_document_entries_are_reported(tmp_path, capsys, documents, message):
    (tmp_path / "x.pdf").write_bytes(pdf_upload().read())
    with pytest.raises(CommandError):
        import_file(write_line(tmp_path, documents=documents))
    assert message in capsys.readouterr().err
    assert not Document.objects.exists()


def test_an_empty_list_detaches_and_an_absent_key_leaves_alone(tmp_path, site):
    line = {k: v for k, v in publication_line("main").items() if k != "documents"}
    (tmp_path / "in.jsonl").write_text(json.dumps(line) + "\n")
    import_file(tmp_path / "in.jsonl")
    assert PublicationDocument.objects.filter(publication__slug="main").count() == 2
    (tmp_path / "in.jsonl").write_text(json.dumps({**line, "documents": []}) + "\n")
    import_file(tmp_path / "in.jsonl")
    assert not PublicationDocument.objects.filter(publication__slug="main").exists()
    assert Document.objects.count() == 2  # detached, not deleted


def test_documents_beyond_pdf_round_trip(tmp_path, settings, client):
    sheet = DocumentFactory(
        title="Budget tables",
        file=SimpleUploadedFile("budget.xlsx", make_xlsx({"Budget": [["Wombat levy", 3]]})),
    )
    table = DocumentFactory(
        title="Tonnes", file=SimpleUploadedFile("tonnes.csv", b"region,tonnes\nNorth,12\n")
    )
    main = PublicationFactory(slug="main", title="Main")
    PublicationDocumentFactory(publication=main, document=sheet)
    PublicationDocumentFactory(publication=main, document=table, label="annex", order=1)
    first = export(tmp_path / "out1")
    files = [item["file"] for item in lines(first)[0]["documents"]]
    assert [f.rsplit("/", 1)[1] for f in files] == ["budget.xlsx", "tonnes.csv"]

    empty_the_site(settings, tmp_path, "other-site")
    import_file(tmp_path / "out1" / "out.jsonl", "--strict")
    imported = {d.file_type: d for d in Document.objects.all()}
    assert imported["xlsx"].part_names == ["the sheet “Budget”"]
    assert imported["xlsx"].sha256 == sheet.sha256 and imported["csv"].sha256 == table.sha256
    assert export(tmp_path / "out2") == first
    found = client.get("/search/", {"q": "wombat levy"}).content.decode()
    assert "/publications/main/" in found and "the sheet “Budget” of the full report" in found
