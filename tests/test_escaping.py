"""Script in any field an editor fills never runs on a reader page.

Content is saved with ``objects.create()`` (the path imports take, where no form validates), with
markup in every rich-text field and every plain-text field. The pages are parsed: no ``<script>``
element, no ``on…`` event attribute and no ``javascript:`` link may come out of them. Then a
hostile title (``"><svg onload=alert(1)>``) in every title, name, tag, caption and search query
is followed through a crawl of every kind of public and admin page, feeds included.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.crawl import ADMIN_SEEDS, PUBLIC_SEEDS, crawl, parse, populate
from tests.factories import (
    ActorFactory,
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

RICH = (
    "<p>Rich text survives.</p>"
    "<script>alert('rich')</script>"
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)">js link</a>'
    '<a href=" JaVaScRiPt:alert(3)">spaced js link</a>'
    '<a href="https://example.org/" onclick="alert(4)">click</a>'
    '<iframe src="javascript:alert(5)"></iframe>'
    '<svg onload="alert(6)"></svg>'
    '<p style="background:url(javascript:alert(7))">styled</p>'
)
PLAIN = "Plain <script>alert('plain')</script><img src=x onerror=alert(8)>\" onmouseover=\"alert(9)"
URL = "javascript:alert(10)"
URLS = [URL, " JavaScript:alert(11)", "java\tscript:alert(12)", "data:text/html,<script>x</script>"]


class DangerFinder(HTMLParser):
    """Collects what would run script in a browser."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.json_ld = None  # the text of the JSON-LD block being read

    def handle_starttag(self, tag, attrs):
        # The site's own scripts are same-origin static files, or JSON-LD data blocks (never run)
        # with the CSP nonce whose whole text is JSON; anything else is injected.
        own_script = tag == "script" and (dict(attrs).get("src") or "").startswith("/static/")
        json_ld = (
            tag == "script"
            and dict(attrs).get("type") == "application/ld+json"
            and dict(attrs).get("nonce")
        )
        if json_ld:
            self.json_ld = []
        elif tag in {"script", "iframe", "object", "embed"} and not own_script:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "formaction"} and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")
            if name == "style" and value and "javascript:" in value.lower():
                self.found.append(f"{tag} style")

    def handle_data(self, data):
        if self.json_ld is not None:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.json_ld is not None:
            text, self.json_ld = "".join(self.json_ld), None
            try:
                json.loads(text)
            except ValueError:
                self.found.append("JSON-LD that is not JSON (the script element ended early)")


def dangers(html):
    finder = DangerFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def hostile():
    person = PersonFactory(
        slug="hostile-person", name=PLAIN, role=PLAIN, affiliation=PLAIN, bio=PLAIN, link=URLS[1]
    )
    topic = TopicFactory(slug="hostile-topic", name=PLAIN, description=PLAIN)
    region = RegionFactory(slug="hostile-region", name=PLAIN, description=PLAIN)
    publication = PublicationFactory(
        slug="hostile-publication",
        title=PLAIN,
        summary=PLAIN,
        body=RICH,
        hero_alt=PLAIN,
        hero_caption=PLAIN,
        hero_credit=PLAIN,
        source_note=PLAIN,
        source_url=URL,
        authors=[person],
        topics=[topic],
        regions=[region],
        tags=["hostile-tag", PLAIN],
    )
    other = PublicationFactory(title="Another", source_url=URLS[2], tags=["hostile-tag"])
    question = PolicyQuestionFactory(
        slug="hostile-question", title=PLAIN, summary=PLAIN, context=RICH
    )
    question.regions.set([region])
    question.tags.set(["hostile-tag"])
    option = PolicyOptionFactory(
        slug="hostile-option",
        title=PLAIN,
        question=question,
        track=TrackFactory(name=PLAIN),
        summary=PLAIN,
        description=RICH,
        goals=PLAIN,
        risks=PLAIN,
        conditions=f"{PLAIN}\n{PLAIN}",
        status_note=PLAIN,
        actors=[ActorFactory(name=PLAIN, slug="hostile-actor")],
        tags=["hostile-tag", PLAIN],
    )
    second = PolicyOptionFactory(
        slug="second-option", question=question, prerequisites=[option], tags=["hostile-tag"]
    )
    OptionSourceFactory(option=option, publication=publication, quote=PLAIN, note=PLAIN)
    OptionSourceFactory(option=second, publication=other, quote=PLAIN, note=PLAIN)
    return {
        "publication": publication,
        "other": other,
        "person": person,
        "topic": topic,
        "region": region,
        "question": question,
        "option": option,
    }


def test_reader_pages_never_carry_script_from_content(client, hostile):
    urls = [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:list") + "?tag=hostile-tag",
        hostile["publication"].get_absolute_url(),
        hostile["other"].get_absolute_url(),
        hostile["person"].get_absolute_url(),
        hostile["topic"].get_absolute_url(),
        hostile["region"].get_absolute_url(),
        reverse("tag", args=["hostile-tag"]),
        reverse("options:list"),
        reverse("options:list") + "?actor=hostile-actor",
        reverse("options:matrix"),
        reverse("options:questions"),
        hostile["question"].get_absolute_url(),
        hostile["option"].get_absolute_url(),
        reverse("options:detail", args=["second-option"]),
        reverse("options:compare") + "?options=hostile-option,second-option",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert dangers(html) == [], url
        assert "<script>alert" not in html, url

    publication_html = client.get(hostile["publication"].get_absolute_url()).content.decode()
    option_html = client.get(hostile["option"].get_absolute_url()).content.decode()
    # Not vacuous: the text is on the page, escaped, and the harmless rich text kept.
    assert "Plain &lt;script&gt;alert(&#x27;plain&#x27;)&lt;/script&gt;" in publication_html
    assert "Plain &lt;script&gt;alert(&#x27;plain&#x27;)&lt;/script&gt;" in option_html
    assert "<p>Rich text survives.</p>" in publication_html
    assert "<p>Rich text survives.</p>" in option_html
    assert 'href="https://example.org/"' in publication_html


def test_feeds_escape_content(client, hostile):
    feeds = [
        reverse("publications:feed"),
        reverse("publications:topic_feed", args=["hostile-topic"]),
        reverse("publications:region_feed", args=["hostile-region"]),
        reverse("publications:person_feed", args=["hostile-person"]),
        reverse("tag_feed", args=["hostile-tag"]),
    ]
    for url in [*feeds, *(f"{url}atom/" for url in feeds)]:
        response = client.get(url)
        assert response.status_code == 200, url
        xml = response.content.decode()
        assert "<script>" not in xml, url
        assert "&lt;script&gt;" in xml, url
    # The question's feed lists what its options cite: the hostile publication.
    xml = client.get(reverse("options:question_feed", args=["hostile-question"])).content.decode()
    assert "<script>" not in xml
    assert "&lt;script&gt;" in xml


def test_citation_downloads_are_files_not_pages(client, hostile):
    # Text formats with no markup: content from editors reaches them as it is, so they must never
    # be rendered as HTML by a browser.
    slug = hostile["publication"].slug
    for url in [
        reverse("publications:cite_bibtex", args=[slug]),
        reverse("publications:cite_ris", args=[slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "html" not in response["Content-Type"], url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_the_detector_finds_what_it_looks_for():
    assert dangers(RICH) != []
    assert dangers(f'<a href="{URLS[2]}">x</a>') != []
    assert dangers("<p>fine</p>") == []
    hostile_json = '{"headline": "</script><svg onload=alert(1)>"}'
    assert dangers(f'<script type="application/ld+json" nonce="n">{hostile_json}</script>') != []
    assert dangers('<script type="application/ld+json">{}</script>') != []
    assert dangers('<script type="application/ld+json" nonce="n">{"a": "\\u003c"}</script>') == []


HOSTILE = '"><svg onload=alert(1)>'


@pytest.fixture
def hostile_site(django_user_model):
    site = populate(label=HOSTILE)
    editor = Client()
    editor.force_login(
        django_user_model.objects.create_superuser("chief", "chief@example.org", "x" * 20)
    )
    return site, editor


def test_a_hostile_title_is_escaped_on_every_page_public_and_admin(hostile_site):
    """The same text in every title, name, tag, caption and query, crawled on both sides."""
    site, editor = hostile_site
    query = urlencode({"q": HOSTILE})
    public = crawl(
        Client(),
        [
            *PUBLIC_SEEDS,
            f"{reverse('search:search')}?{query}",
            f"{reverse('search:suggest')}?{query}",
            f"{reverse('publications:list')}?{urlencode({'tag': HOSTILE, 'author': HOSTILE})}",
            f"{reverse('options:list')}?{urlencode({'actor': HOSTILE})}",
        ],
    )
    admin = crawl(
        editor,
        [
            *ADMIN_SEEDS,
            f"{reverse('admin:publications_publication_changelist')}?{query}",
            f"{reverse('admin:taggit_tag_changelist')}?{query}",
        ],
    )

    problems = {}
    for page in public + admin:
        content_type = page.response.get("Content-Type", "")
        if not content_type.startswith(("text/html", "application/rss+xml", "application/xml")):
            # JSON (search suggestions) is data, read by script with textContent; it must never
            # be sniffed as a page.
            assert not content_type.startswith("text/html")
            continue
        text = page.text
        found = [HOSTILE] if HOSTILE in text else []
        if content_type.startswith("text/html"):
            found += parse(text).handlers
        if found:
            problems[page.url] = found
    assert problems == {}

    # Not vacuous: the text is there, escaped, on reader and editor pages, and in the feed.
    escaped = "&quot;&gt;&lt;svg onload=alert(1)&gt;"
    by_kind = {}
    for page in public + admin:
        by_kind[page.kind[0]] = by_kind.get(page.kind[0], "") + page.text
    for kind in [
        "publications:detail",
        "search:search",
        "admin:publications_publication_change",
        "admin:publications_publication_history",
        "admin:publications_publication_delete",
        "admin:taggit_tag_changelist",
        "admin:options_policyoption_change",
    ]:
        assert escaped in by_kind[kind], kind
    assert "&gt;&lt;svg onload=alert(1)&gt;" in by_kind["publications:feed"]
    detail = by_kind["publications:detail"]
    assert f'<meta name="description" content="{escaped}' in detail
    assert f"<title>{escaped}" in detail
    assert f"<figcaption>{escaped}Negotiators" in detail
