"""Footnotes and figure references go through export and import with the body they sit in."""

import json

import pytest
from django.core.management import call_command

from publications.models import Publication
from tests.factories import publication_line

pytestmark = pytest.mark.django_db

BODY = (
    '<h2>Background</h2><p>Claim<span data-footnote="">KOTRA, 2019: '
    "https://www.kotra.or.kr/report.</span> and more.</p>"
    '<figure data-image="3"></figure>'
)


def run(path):
    call_command("import_content", str(path), "--no-progress", "--strict")


def test_import_keeps_notes_and_sanitises_inside_them(write_jsonl):
    hostile = (
        '<p>Claim<span data-footnote="" onclick="x()">Source<script>alert(1)</script>'
        '<img src=x onerror=alert(1)></span></p><figure data-image="1" onload="x()">'
        '<img src="javascript:alert(1)"></figure>'
    )

    run(write_jsonl(publication_line("a", body=hostile)))

    assert Publication.objects.get(slug="a").body == (
        '<p>Claim<span data-footnote="">Source</span></p><figure data-image="1"></figure>'
    )


def test_notes_and_figures_survive_export_and_import(write_jsonl, tmp_path):
    run(write_jsonl(publication_line("a", body=BODY)))
    exported = tmp_path / "out.jsonl"
    call_command("export_content", str(exported))
    line = next(
        json.loads(text)
        for text in exported.read_text().splitlines()
        if '"kind": "publication"' in text
    )
    assert line["body"] == BODY

    Publication.objects.all().delete()
    run(exported)

    assert Publication.objects.get(slug="a").body == BODY
