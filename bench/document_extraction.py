"""Time and peak memory of reading one uploaded PDF as the upload does (``read_pdf``: type check,
page count, metadata, checksum and the text of every page), then of drawing its cover, in a
fresh process (``ru_maxrss`` is per process).

    .venv/bin/python bench/document_extraction.py [PAGES]

A report of PAGES pages (default 300), each with 45 lines of words from ``bench/words.py`` in
Helvetica (about 5,300 characters a page, a dense report page) with compressed content
streams, is made once under the temporary folder. Nothing is written to the database.
"""

import os
import random
import resource
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")

LINES, WORDS_PER_LINE = 45, 13


def make_report(path, pages):
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    from bench.words import vocabulary

    words = vocabulary(seed=17, size=5000)
    rng = random.Random(17)
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for number in range(pages):
        page = writer.add_blank_page(width=612, height=792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        lines = [f"Page {number + 1}"] + [
            " ".join(rng.choice(words) for _ in range(WORDS_PER_LINE)) for _ in range(LINES)
        ]
        ops = ["BT /F1 9 Tf 11 TL 54 740 Td"] + [f"({line}) '" for line in lines] + ["ET"]
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page.compress_content_streams()
    writer.add_metadata({"/Title": f"A {pages}-page report"})
    buffer = BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    path = Path(tempfile.gettempdir()) / f"document-bench-{pages}.pdf"
    if not path.exists():
        make_report(path, pages)

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from policyhub.documents.covers import render_first_page
    from policyhub.documents.pdf import read_pdf

    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/pdf")
    before = peak()
    started, cpu = time.perf_counter(), time.process_time()
    info = read_pdf(upload)
    read, cpu = time.perf_counter(), time.process_time() - cpu
    after_read = peak()
    cover = render_first_page(upload)
    drawn = time.perf_counter()
    characters = sum(len(text) for text in info.page_texts)
    print(f"file: {path.stat().st_size / 1024 / 1024:.1f} MB, {info.pages} pages")
    print(
        f"read_pdf: {read - started:.2f} s ({(read - started) / info.pages * 1000:.1f} ms a page), "
        f"CPU {cpu:.2f} s; {characters:,} characters, text complete: {info.text_complete}"
    )
    print(f"peak memory growth while reading: {(after_read - before) / 1024 / 1024:.0f} MiB")
    print(f"cover: {drawn - read:.2f} s, {cover.width}x{cover.height} (own process)")


if __name__ == "__main__":
    main()
