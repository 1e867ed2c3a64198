"""Time to turn a long stored body into reader markup (policyhub/editorial/rendering.py):
heading ids, numbered notes (no figures: those add one query), median of 50 runs.

    .venv/bin/python bench/richtext_bench.py [WORDS] [NOTES]

The body (default 6,000 words, 40 notes, an h2 every 500 words, an h3 between) goes through the
sanitiser first, as a save would; the rendered article is then cached per version of the
publication, so this is paid once per edit, not per reader.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")


def body(words, notes):
    from bench.words import COMMON as WORDS

    paragraphs, every = [], max(1, words // max(notes, 1))
    text = [WORDS[n % len(WORDS)] for n in range(words)]
    for start in range(0, words, 100):
        if start % 500 == 0:
            paragraphs.append(f"<h2>Section {start // 500} on {text[start]}</h2>")
        elif start % 250 == 0:
            paragraphs.append(f"<h3>Part on {text[start]}</h3>")
        chunk = text[start : start + 100]
        marks = [
            f'{word}<span data-footnote="">Source {n}: https://example.org/{n}.</span>'
            if n % every == 0
            else word
            for n, word in enumerate(chunk, start)
        ]
        paragraphs.append("<p>" + " ".join(marks) + "</p>")
    return "".join(paragraphs)


def main():
    import django

    django.setup()
    from policyhub.editorial.rendering import render_rich_text
    from policyhub.editorial.richtext import sanitize_html

    words = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    notes = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    html = sanitize_html(body(words, notes))
    times = []
    for _ in range(50):
        started = time.perf_counter()
        rendered = render_rich_text(html)
        times.append(time.perf_counter() - started)
    print(
        f"{words} words, {len(rendered.notes)} notes, {len(rendered.headings)} headings, "
        f"{len(html):,} bytes: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
