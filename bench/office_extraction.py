"""Time and peak memory of reading one uploaded DOCX, XLSX, EPUB or CSV as the upload does
(``read_document``: type check, zip limits, checksum, text in named parts), in a fresh process
(``ru_maxrss`` is per process).

    .venv/bin/python bench/office_extraction.py docx|xlsx|epub|csv [SIZE]

SIZE (default 1) scales the file: at 1 a DOCX of 1.6 M characters in 8,000 paragraphs under
300 headings (the text of the 300-page PDF in ``document_extraction.py``), an XLSX of 3 sheets
of 20,000 rows × 8 cells (shared strings, as Excel writes), an EPUB of 30 chapters of 50,000
characters, a CSV of 100,000 rows × 8 fields. Words come from ``bench/words.py``; the file is
made once under the temporary folder. Nothing is written to the database.
"""

import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")


def make(kind, size, path):
    from bench.words import vocabulary
    from tests import office_files

    words = vocabulary(seed=17, size=5000)
    rng = random.Random(17)

    def sentence(count):
        return " ".join(rng.choice(words) for _ in range(count))

    if kind == "docx":
        paragraphs = []
        for section in range(300 * size):
            paragraphs.append(("Heading1", f"Section {section + 1}"))
            paragraphs += [sentence(30) for _ in range(27)]
        path.write_bytes(office_files.make_docx(paragraphs))
    elif kind == "xlsx":
        sheets = {
            f"Sheet {n}": [[sentence(2) for _ in range(8)] for _ in range(20_000 * size)]
            for n in range(1, 4)
        }
        path.write_bytes(office_files.make_xlsx(sheets))
    elif kind == "epub":
        path.write_bytes(office_files.make_epub([sentence(8000) for _ in range(30 * size)]))
    else:
        rows = (",".join(sentence(2) for _ in range(8)) for _ in range(100_000 * size))
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    kind = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    path = Path(tempfile.gettempdir()) / f"office-bench-{size}.{kind}"
    if not path.exists():
        make(kind, size, path)

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from policyhub.documents.formats import read_document

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    before = peak()
    started, cpu = time.perf_counter(), time.process_time()
    info = read_document(upload)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    characters = sum(len(text) for text in info.page_texts)
    print(f"{kind}: {path.stat().st_size / 1024 / 1024:.1f} MB, {len(info.page_texts)} parts")
    print(
        f"read_document: {wall:.2f} s, CPU {cpu:.2f} s; {characters:,} characters, "
        f"text complete: {info.text_complete}"
    )
    print(f"peak memory growth while reading: {(peak() - before) / 1024 / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
