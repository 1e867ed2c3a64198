"""Every public page is valid HTML, as the Nu HTML Checker (vnu-jar from npm) reads it.

The site is populated with demo-like content and crawled as an anonymous reader (every kind of
page, tests/crawl.py); the HTML pages are written to files and checked in one Java run, since
starting the checker costs seconds and checking a page milliseconds.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.crawl import populate, reader_pages

pytestmark = [pytest.mark.django_db, pytest.mark.html_validity]

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker():
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return java
    missing = "java" if not java else f"vnu.jar at {VNU_JAR} (npm ci)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {missing} is missing")
    pytest.skip(f"{missing} is missing")


def validate(java, files):
    """The checker's error messages for the files, as ``(file, line, message)``."""
    run = subprocess.run(  # noqa: S603 — our own command line, with paths we wrote
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    report = json.loads(run.stderr or "{}")
    return [
        (Path(m.get("url", "")).name, m.get("lastLine"), m["message"])
        for m in report.get("messages", [])
        if m.get("type") in {"error", "non-document-error"}
    ]


def test_every_public_page_is_valid_html(tmp_path):
    java = checker()
    populate()
    pages = reader_pages(Client())
    files = []
    for number, page in enumerate(pages):
        name = f"{number:03d}{page.url.replace('/', '_')[:80]}.html"
        (tmp_path / name).write_text(page.text, encoding="utf-8")
        files.append(tmp_path / name)
    assert len(files) > 20, [page.url for page in pages]

    errors = validate(java, files)

    assert errors == [], "\n".join(f"{name}:{line}: {message}" for name, line, message in errors)
