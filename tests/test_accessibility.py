"""A quick accessibility pass over every public HTML page, with the demo content.

Each page: ``lang`` on ``<html>``, exactly one ``<h1>``, a label for every form control a reader
fills in, ``alt`` on every image, ``scope`` on every table header, unique ids and
``aria-labelledby`` pointing at one of them, no ``aria-label`` on a generic element.
"""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from options.models import PolicyOption, PolicyQuestion
from policyhub.tags import live_tags
from publications.models import Person, Publication, Region, Topic

pytestmark = pytest.mark.django_db

# Inputs that carry their own text or none at all.
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html_lang = None
        self.h1_count = 0
        self.label_for = set()
        self.label_depth = 0
        self.controls = []  # (description, id, has its own label)
        self.problems = []
        self.ids = []
        self.labelledby = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if attrs.get("aria-labelledby"):
            self.labelledby.update(attrs["aria-labelledby"].split())
        if tag in {"span", "div"} and "aria-label" in attrs and "role" not in attrs:
            # ARIA forbids naming a generic element: screen readers ignore the label.
            self.problems.append(f"aria-label on a generic <{tag}>: {attrs}")
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in {"input", "select", "textarea"}:
            kind = attrs.get("type", "text") if tag == "input" else tag
            if kind not in UNLABELLED_TYPES:
                named = bool(attrs.get("aria-label") or attrs.get("aria-labelledby"))
                wrapped = self.label_depth > 0
                self.controls.append((f"{tag} {attrs}", attrs.get("id"), named or wrapped))
        elif tag == "img" and "alt" not in attrs:
            self.problems.append(f"img without alt: {attrs}")
        elif tag == "th" and attrs.get("scope") not in {"col", "row", "colgroup", "rowgroup"}:
            self.problems.append(f"th without scope: {attrs}")

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)

    def report(self):
        problems = list(self.problems)
        if not self.html_lang:
            problems.append("no lang on <html>")
        if self.h1_count != 1:
            problems.append(f"{self.h1_count} <h1> elements")
        duplicates = sorted({i for i in self.ids if self.ids.count(i) > 1})
        if duplicates:
            problems.append(f"duplicate ids: {duplicates}")
        if missing := sorted(self.labelledby - set(self.ids)):
            problems.append(f"aria-labelledby points nowhere: {missing}")
        for description, control_id, labelled in self.controls:
            if not labelled and control_id not in self.label_for:
                problems.append(f"control without a label: {description}")
        return problems


def audit(html):
    page = PageAudit()
    page.feed(html)
    return page.report()


def public_pages():
    publications = Publication.objects.published()
    options = PolicyOption.objects.visible()
    two = ",".join(options.values_list("slug", flat=True)[:2])
    return [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:list") + "?topic=nope",
        reverse("publications:list") + f"?region={Region.objects.first().slug}",
        *(publication.get_absolute_url() for publication in publications),
        *(person.get_absolute_url() for person in Person.objects.all()),
        *(topic.get_absolute_url() for topic in Topic.objects.all()),
        *(region.get_absolute_url() for region in Region.objects.all()),
        *(reverse("tag", args=[tag.slug]) for tag in live_tags()[:5]),
        reverse("options:list"),
        reverse("options:list") + "?level=nope",
        reverse("options:matrix"),
        reverse("options:compare"),
        reverse("options:compare") + f"?options={two}",
        reverse("options:questions"),
        *(question.get_absolute_url() for question in PolicyQuestion.objects.published()),
        *(option.get_absolute_url() for option in options),
        reverse("search:search") + "?q=sanctions",
    ]


def test_every_public_page_passes_the_quick_accessibility_checks(client):
    call_command("load_demo", stdout=StringIO())
    problems = {}
    pages = public_pages()
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 400}, url
        found = audit(response.content.decode())
        if found:
            problems[url] = found
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    if found := audit(not_found.content.decode()):
        problems["404"] = found

    assert problems == {}
    assert len(pages) > 30  # the demo content really was there


def test_the_audit_finds_what_it_looks_for():
    bad = (
        "<html><h1>a</h1><h1>b</h1><input name=q><img src=x>"
        '<table><tr><th>x</th></tr></table><p id="d"></p><p id="d" aria-labelledby="z"></p>'
        '<span aria-label="None">-</span></html>'
    )
    assert len(audit(bad)) == 8
    good = (
        '<html lang="en"><h1>a</h1><label for="q">Q</label><input id="q" name="q">'
        '<input type="checkbox" aria-label="Pick"><label>Wrapped <input name="w"></label>'
        '<input type="hidden" name="h"><img src="x" alt=""><table><tr><th scope="col">x</th>'
        "</tr></table></html>"
    )
    assert audit(good) == []
