"""Footnotes and figure references go through export and import with the body they sit in."""

import json

import pytest
from django.core.management import call_command

from policyhub.editorial.models import LibraryImage
from publications.models import Publication
from tests.factories import CHART_KEY, figure, library_image_line, publication_line

pytestmark = pytest.mark.django_db

NOTE = (
    '<h2>Background</h2><p>Claim<span data-footnote="">KOTRA, 2019: '
    "https://www.kotra.or.kr/report.</span> and more.</p>"
)
BODY = NOTE + figure()


def run(path):
    call_command("import_content", str(path), "--no-progress", "--strict")


def test_import_keeps_notes_and_sanitises_inside_them(write_jsonl, image_beside):
    image_beside()
    hostile = (
        '<p>Claim<span data-footnote="" onclick="x()">Source<script>alert(1)</script>'
        f'<img src=x onerror=alert(1)></span></p><FIGURE onload="x()" data-image="{CHART_KEY}">'
        '<img src="javascript:alert(1)"></figure>'
    )

    run(write_jsonl(library_image_line(), publication_line("a", body=hostile)))

    assert Publication.objects.get(slug="a").body == (
        '<p>Claim<span data-footnote="">Source</span></p>'
        f'<figure data-image="{LibraryImage.objects.get().pk}"></figure>'
    )


def test_notes_and_figures_survive_export_and_import(write_jsonl, image_beside, tmp_path):
    image_beside()
    run(write_jsonl(library_image_line(), publication_line("a", body=BODY)))
    exported = tmp_path / "out" / "out.jsonl"
    exported.parent.mkdir()
    call_command("export_content", str(exported))
    line = next(
        json.loads(text)
        for text in exported.read_text().splitlines()
        if '"kind": "publication"' in text
    )
    assert line["body"] == BODY

    Publication.objects.all().delete()
    LibraryImage.objects.all().delete()
    run(exported)

    assert Publication.objects.get(slug="a").body == NOTE + figure(LibraryImage.objects.get().pk)
