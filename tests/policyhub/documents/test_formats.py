"""Documents beyond PDF — DOCX, XLSX, CSV, EPUB — uploaded through the admin library: the type is
read from the file, the text found by search with the part it is in, and every hostile or broken
file refused with its message and nothing left behind."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policyhub.documents import formats
from policyhub.documents.formats import read_document
from policyhub.documents.models import Document
from policyhub.search import search
from tests.factories import PublicationDocumentFactory, PublicationFactory, image_file
from tests.office_files import (
    W,
    docx_entries,
    encrypted_ooxml,
    entity_bomb,
    epub_entries,
    make_docx,
    make_epub,
    make_xlsx,
    make_zip,
    with_declared_size,
)
from tests.pdfs import make_pdf

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:documents_document_add")


def stored_files(settings):
    root = settings.DOCUMENTS_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(client, name, data):
    file = SimpleUploadedFile(name, data)
    return client.post(ADD_URL, {"title": "", "description": "", "language": "en", "file": file})


DOCX = make_docx(
    [
        "A foreword before any heading.",
        ("Heading1", "Costs"),
        "The granary in Hamhung needs a new roof.",
        ("Titre2", "Timeline"),  # a heading style named in French, "heading 2" in styles.xml
        "Work starts in the spring.",
    ],
    title="Food security report",
    author="Ann Author",
)
XLSX = make_xlsx(
    {"Summary": [["Total", 1200]], "Budget": [["Item", "Cost"], ["Fertiliser from Nampo", 340]]},
    title="Budget tables",
)
CSV = '\ufeffregion,tonnes\nNorth Hamgyong,120\n"Ryanggang, upper",80\n'.encode()
EPUB = make_epub(
    ["The first chapter is an overview.", "Sinuiju traders cross the bridge at dawn."],
    title="Border towns",
    author="Kim Writer",
)


@pytest.mark.parametrize(
    "name, data, file_type, title, parts, phrase, place",
    [
        (
            "Food Report.docx",
            DOCX,
            "docx",
            "Food security report",
            ["the opening", "the section “Costs”", "the section “Timeline”"],
            "granary Hamhung",
            "the section “Costs”",
        ),
        (
            "budget.xlsx",
            XLSX,
            "xlsx",
            "Budget tables",
            ["the sheet “Summary”", "the sheet “Budget”"],
            "fertiliser Nampo",
            "the sheet “Budget”",
        ),
        (
            "tonnes.csv",
            CSV,
            "csv",
            "tonnes",
            ["rows 1–3"],
            "Ryanggang",
            "rows 1–3",
        ),
        (
            "towns.epub",
            EPUB,
            "epub",
            "Border towns",
            ["chapter 1", "chapter 2"],
            "Sinuiju traders",
            "chapter 2",
        ),
    ],
    ids=["docx", "xlsx", "csv", "epub"],
)
def test_each_type_is_accepted_and_found_by_search(
    admin_client, client, settings, name, data, file_type, title, parts, phrase, place
):
    response = upload(admin_client, name, data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.file_type, document.title, document.part_names) == (file_type, title, parts)
    assert document.pages == 0 and document.text_complete
    assert document.size == len(data) and len(document.sha256) == 64
    assert document.file.name.endswith(f".{file_type}")
    # The file alone: covers are drawn for PDFs only.
    assert stored_files(settings) == [document.file.name.rsplit("/", 1)[1]]

    publication = PublicationFactory(title="Engaging the North")
    PublicationDocumentFactory(publication=publication, document=document, label="annex")
    results = search(phrase)
    assert [hit.title for hit in results.page] == ["Engaging the North"]
    found = results.page[0].found_in
    assert (found.place, found.url) == (place, document.get_absolute_url())
    page = client.get(reverse("search:search"), {"q": phrase}).content.decode()
    assert f'Found in <a href="{document.get_absolute_url()}">{place} of the annex</a>' in page
    assert f"({title}, {file_type.upper()})" in page


def test_the_parsed_type_wins_over_the_name(admin_client):
    upload(admin_client, "report.pdf", DOCX)
    upload(admin_client, "tables.xlsx", make_pdf(["A PDF after all"]))
    types = dict(Document.objects.values_list("file_type", "file"))
    assert types["docx"].endswith("/report.docx")
    assert types["pdf"].endswith("/tables.pdf")


def test_a_long_section_is_split_under_the_same_name(admin_client):
    paragraphs = [("Heading1", "Annex")] + ["word " * 3000] * 10 + ["endless " * 20_000]
    upload(admin_client, "long.docx", make_docx(paragraphs))
    document = Document.objects.get()
    assert len(document.page_texts) > 1
    assert set(document.part_names) == {"the section “Annex”"}
    assert all(len(text) <= 20_000 for text in document.page_texts)


def test_text_stops_at_the_part_limit(admin_client, settings):
    settings.DOCUMENT_MAX_PAGES = 2
    rows = "".join(f"row {n},{'x' * 100}\n" for n in range(1000))
    upload(admin_client, "rows.csv", rows.encode())
    document = Document.objects.get()
    assert len(document.page_texts) == 2 and not document.text_complete
    assert document.part_names[0].startswith("rows 1–")


def test_extraction_stops_at_its_time_limit(admin_client, settings):
    settings.DOCUMENT_EXTRACTION_SECONDS = 0
    # Several reads' worth of XML: the clock is looked at after each.
    data = make_docx([f"Paragraph {n}" for n in range(5000)])
    response = upload(admin_client, "long.docx", data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert not document.text_complete
    assert "Paragraph 0" in document.page_texts[0]
    assert "Paragraph 4999" not in " ".join(document.page_texts)


NOT_ACCEPTED = "is not a document this library accepts: upload a PDF, DOCX, XLSX, CSV or EPUB"
DAMAGED = "is damaged or incomplete (it may have been cut short while copying)"
ENTITIES = "holds XML entity or external declarations, which office files never need"


def replaced(data, name, content):
    """The zip ``data`` with entry ``name`` holding ``content`` instead."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [(n, content if n == name else archive.read(n)) for n in archive.namelist()]
    return make_zip(entries)


EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>&secret;</t></si></sst>"
)


def _zip_bomb_entries():
    return docx_entries(["Hello"]) + [("word/media/padding.bin", b"\0" * (3 * 1024 * 1024))]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("report.docx", b"Plain words, not a document", f"“report.docx” {NOT_ACCEPTED}"),
        ("budget.xlsx", image_file().read(), f"“budget.xlsx” {NOT_ACCEPTED}"),
        (
            "book.epub",
            make_zip([("chapter.html", "<p>Hi</p>")]),
            "“book.epub” is a zip archive, not a DOCX, XLSX or EPUB file",
        ),
        ("data.csv", image_file().read(), "“data.csv” is not UTF-8 text"),
        ("notes.txt", b"a,b\n1,2\n", f"“notes.txt” {NOT_ACCEPTED}"),
        (
            "locked.docx",
            encrypted_ooxml(),
            "“locked.docx” is encrypted or password-protected: upload an unprotected copy.",
        ),
        (
            "old.xls",
            encrypted_ooxml().replace(
                "Encrypted".encode("utf-16-le"), "Workbook\0".encode("utf-16-le")
            ),
            "“old.xls” is an old Word or Excel file (.doc, .xls) or a protected one",
        ),
        ("cut.docx", DOCX[: len(DOCX) // 2], f"“cut.docx” {DAMAGED}: it cannot be read as a DOCX"),
        ("cut.xlsx", XLSX[:-30], f"“cut.xlsx” {DAMAGED}: it cannot be read as an XLSX"),
        ("cut.epub", EPUB[:-100], f"“cut.epub” {DAMAGED}: it cannot be read as an EPUB"),
        (
            "big.docx",
            make_zip(_zip_bomb_entries()),
            "“big.docx” unpacks to more than 1 MB: it is refused as a zip bomb.",
        ),
        (
            "lying.docx",
            with_declared_size(make_docx(["word " * 100_000]), "word/document.xml", 1000),
            f"“lying.docx” {DAMAGED}",
        ),
        (
            "many.epub",
            make_zip(epub_entries(["Hi"]) + [(f"x/{n}", "") for n in range(30)]),
            "“many.epub” holds more than 20 files: it is refused as a zip bomb.",
        ),
        (
            "laughs.docx",
            make_zip(docx_entries([], document=entity_bomb())),
            f"“laughs.docx” {ENTITIES}",
        ),
        (
            "laughs.epub",
            make_zip(epub_entries(["Hi"], opf=entity_bomb("package"))),
            f"“laughs.epub” {ENTITIES}",
        ),
        (
            "laughs.xlsx",
            replaced(XLSX, "xl/sharedStrings.xml", entity_bomb("sst")),
            f"“laughs.xlsx” {ENTITIES}",
        ),
        (
            "external.xlsx",
            replaced(XLSX, "xl/sharedStrings.xml", EXTERNAL),
            f"“external.xlsx” {ENTITIES}",
        ),
        (
            "latin.csv",
            "région,tonnes\nNord,12\n".encode("latin-1"),
            "“latin.csv” is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”",
        ),
        (
            "quote.csv",
            b'a,"b\n1,2\n',
            "“quote.csv” cannot be read as CSV (unexpected end of data).",
        ),
        ("empty.csv", b"", "The submitted file is empty."),  # Django's own check, first
        (
            "macro.docm",
            make_zip(
                [
                    (n, d.replace("document.main+xml", "document.macroEnabled.main+xml"))
                    for n, d in docx_entries(["Hi"])
                ]
            ),
            "“macro.docm” is an office file of another kind",
        ),
        (
            "nobody.docx",
            make_zip([e for e in docx_entries(["Hi"]) if e[0] != "word/document.xml"]),
            f"“nobody.docx” {DAMAGED}: it cannot be read as a DOCX",
        ),
    ],
    ids=[
        "fake-docx",
        "fake-xlsx",
        "fake-epub",
        "fake-csv",
        "csv-by-another-name",
        "encrypted-ooxml",
        "old-office",
        "truncated-docx",
        "truncated-xlsx",
        "truncated-epub",
        "declared-bomb",
        "lying-bomb",
        "too-many-entries",
        "entity-bomb-docx",
        "entity-bomb-epub",
        "entity-bomb-xlsx",
        "external-entity-xlsx",
        "csv-encoding",
        "csv-quotes",
        "csv-empty",
        "macro-enabled",
        "main-part-missing",
    ],
)
def test_refused_files_say_why_and_leave_nothing(admin_client, settings, name, data, message):
    settings.DOCUMENT_MAX_UNPACKED_BYTES = 1024 * 1024
    settings.DOCUMENT_MAX_ZIP_ENTRIES = 20
    response = upload(admin_client, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def test_an_entry_count_bomb_is_refused_before_zipfile_reads_its_directory(settings, monkeypatch):
    settings.DOCUMENT_MAX_ZIP_ENTRIES = 20
    data = make_zip(docx_entries(["Hi"]) + [(f"x/{n}", "") for n in range(30)])
    # Failed is not an Exception: were the directory read, the test would fail here.
    monkeypatch.setattr(zipfile.ZipFile, "__init__", lambda *a, **k: pytest.fail("read"))
    with pytest.raises(ValidationError, match="holds more than 20 files"):
        read_document(SimpleUploadedFile("many.docx", data))


def big_document(paragraphs):
    body = "<w:p><w:r><w:t>word</w:t></w:r></w:p>" * paragraphs
    return make_zip(
        docx_entries([], document=f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    )


def peak_memory(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_part_that_unpacks_past_its_declared_size_costs_little_memory():
    # 38 MB of XML deflated to a few hundred KB, declaring 1 KB: reading stops at 1 KB.
    data = with_declared_size(big_document(1_000_000), "word/document.xml", 1024)

    def read():
        with pytest.raises(ValidationError, match="is damaged or incomplete"):
            read_document(SimpleUploadedFile("bomb.docx", data))

    assert peak_memory(read) < 10 * 1024 * 1024


def test_a_large_part_is_streamed_not_held(settings):
    settings.DOCUMENT_MAX_PAGES = 5
    data = big_document(1_000_000)
    found = []
    peak = peak_memory(lambda: found.append(read_document(SimpleUploadedFile("big.docx", data))))
    assert len(found[0].page_texts) == 5 and not found[0].text_complete
    assert peak < 10 * 1024 * 1024


def test_an_index_part_far_larger_than_real_ones_is_refused(settings, monkeypatch):
    monkeypatch.setattr(formats, "SMALL_PART_BYTES", 100)
    with pytest.raises(ValidationError, match=r"holds a part \(\[Content_Types\].xml\) over 100"):
        read_document(SimpleUploadedFile("a.docx", DOCX))


def test_a_semicolon_csv_is_read_by_its_delimiter():
    data = "Région;Tonnes\nNord;12\n".encode()
    info = read_document(SimpleUploadedFile("tonnes.csv", data))
    assert info.page_texts == ["Région Tonnes Nord 12"]


def test_quotes_doubled_only_past_the_sniffed_sample_are_read():
    # The first 16 KB never double a quote, so the sniffer guesses they are not doubled; only
    # its delimiter is used.
    rows = "".join(f'{n},"plain, quoted"\n' for n in range(1000))
    data = (rows + 'last,"she said ""no"""\n').encode()
    info = read_document(SimpleUploadedFile("notes.csv", data))
    assert info.page_texts[-1].endswith('last she said "no"')
