"""Small DOCX, XLSX, EPUB and CSV files made in code for the document tests (the least each
format needs, laid out as Word, Excel and e-book tools write them), and the hostile kinds the
upload must refuse."""

import struct
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def make_zip(entries, compression=zipfile.ZIP_DEFLATED):
    """The bytes of a zip holding ``entries``, (name, text or bytes) pairs in order."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            stored = zipfile.ZIP_STORED if name == "mimetype" else compression
            archive.writestr(name, data, compress_type=stored)
    return buffer.getvalue()


def _core(title, author):
    return (
        f'{XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        f'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        "</cp:coreProperties>"
    )


def _package(main, content_type, parts, title, author):
    types = (
        f'{XML}<Types xmlns="{CT}"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>'
    )
    rels = (
        f'{XML}<Relationships xmlns="{REL}"><Relationship Id="rId1" '
        f'Type="{OFFICE_REL}/officeDocument" Target="{main}"/></Relationships>'
    )
    entries = [("[Content_Types].xml", types), ("_rels/.rels", rels), *parts]
    if title or author:
        entries.append(("docProps/core.xml", _core(title, author)))
    return entries


def docx_entries(paragraphs, *, title="", author="", document=None):
    """A DOCX's entries; ``paragraphs`` are texts, or (style id, text) for a heading."""
    body = []
    for paragraph in paragraphs:
        style, text = paragraph if isinstance(paragraph, tuple) else (None, paragraph)
        props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        body.append(f'<w:p>{props}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    document = document or (
        f'{XML}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{"".join(body)}'
        "<w:sectPr/></w:body></w:document>"
    )
    # Word names its heading styles in English in styles.xml whatever the interface language.
    styles = (
        f'{XML}<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Heading1">'
        '<w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Titre2">'
        '<w:name w:val="heading 2"/></w:style></w:styles>'
    )
    document_rels = (
        f'{XML}<Relationships xmlns="{REL}"><Relationship Id="rId1" '
        f'Type="{OFFICE_REL}/styles" Target="styles.xml"/></Relationships>'
    )
    parts = [
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("word/_rels/document.xml.rels", document_rels),
    ]
    return _package("word/document.xml", DOCX_MAIN, parts, title, author)


def make_docx(paragraphs=("Hello world",), **kwargs):
    return make_zip(docx_entries(paragraphs, **kwargs))


def make_xlsx(sheets, *, title="", author=""):
    """An XLSX with a sheet per ``sheets`` item, {name: rows}; text cells use shared strings
    (as Excel writes them), numbers stay numbers."""
    strings, workbook_sheets, rels, parts = [], [], [], []
    for number, (name, rows) in enumerate(sheets.items(), start=1):
        cells = []
        for r, row in enumerate(rows, start=1):
            values = []
            for value in row:
                if isinstance(value, str):
                    strings.append(value)
                    values.append(f'<c t="s"><v>{len(strings) - 1}</v></c>')
                else:
                    values.append(f"<c><v>{value}</v></c>")
            cells.append(f'<row r="{r}">{"".join(values)}</row>')
        parts.append(
            (
                f"xl/worksheets/sheet{number}.xml",
                f'{XML}<worksheet xmlns="{S}"><sheetData>{"".join(cells)}</sheetData></worksheet>',
            )
        )
        workbook_sheets.append(
            f'<sheet name="{escape(name)}" sheetId="{number}" r:id="rId{number}"/>'
        )
        rels.append(
            f'<Relationship Id="rId{number}" Type="{OFFICE_REL}/worksheet" '
            f'Target="worksheets/sheet{number}.xml"/>'
        )
    rels.append(
        f'<Relationship Id="rIdS" Type="{OFFICE_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    parts += [
        (
            "xl/workbook.xml",
            f'{XML}<workbook xmlns="{S}" xmlns:r="{R}"><sheets>{"".join(workbook_sheets)}'
            "</sheets></workbook>",
        ),
        (
            "xl/_rels/workbook.xml.rels",
            f'{XML}<Relationships xmlns="{REL}">{"".join(rels)}</Relationships>',
        ),
        ("xl/sharedStrings.xml", f'{XML}<sst xmlns="{S}">{shared}</sst>'),
    ]
    return make_zip(_package("xl/workbook.xml", XLSX_MAIN, parts, title, author))


def epub_entries(chapters, *, title="A book", author="", opf=None):
    items = "".join(
        f'<item id="c{n}" href="text/chapter%20{n}.xhtml" media-type="application/xhtml+xml"/>'
        for n in range(1, len(chapters) + 1)
    )
    spine = "".join(f'<itemref idref="c{n}"/>' for n in range(1, len(chapters) + 1))
    opf = opf or (
        f'{XML}<package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        f"</metadata><manifest>{items}</manifest><spine>{spine}</spine></package>"
    )
    container = (
        f'{XML}<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" '
        'media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    entries = [
        ("mimetype", "application/epub+zip"),
        ("META-INF/container.xml", container),
        ("OEBPS/content.opf", opf),
    ]
    for n, text in enumerate(chapters, start=1):
        entries.append(
            (
                f"OEBPS/text/chapter {n}.xhtml",
                f'{XML}<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Skip me</title>'
                f"<style>p {{ color: red }}</style></head><body><h1>Chapter {n}</h1>"
                f"<p>{escape(text)}&#160;&amp; more</p></body></html>",
            )
        )
    return entries


def make_epub(chapters=("Hello world",), **kwargs):
    return make_zip(epub_entries(chapters, **kwargs))


def entity_bomb(root="w:document"):
    """XML whose one entity expands a billion-fold ("billion laughs")."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    ]
    return f'{XML}<!DOCTYPE lolz [{"".join(entities)}]><{root} xmlns:w="{W}">&lol9;</{root}>'


def encrypted_ooxml():
    """What Office writes for a password-protected DOCX or XLSX: not a zip but an OLE compound
    file whose directory names an ``EncryptedPackage`` stream (header and one directory sector,
    laid out as in [MS-CFB])."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", header, 0x30, 0)  # the directory starts at sector 0
    directory = bytearray(512)
    for n, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        encoded = (name + "\0").encode("utf-16-le")
        directory[n * 128 : n * 128 + len(encoded)] = encoded
        struct.pack_into("<H", directory, n * 128 + 0x40, len(encoded))
    return bytes(header + directory) + b"\0" * 1024


def with_declared_size(data, entry, size):
    """``data`` (a zip) with ``entry``'s uncompressed size rewritten as ``size`` in both its
    headers, as a zip bomb that lies about its size would be."""
    data = bytearray(data)
    name = entry.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + offset, size)
            at += 4
    return bytes(data)
