"""A small crawler for site-wide tests, and the demo-like content it crawls.

``crawl(client, seeds)`` follows every same-site link, stylesheet, script, image and GET form it
finds, starting from the seeds, and returns the pages it fetched. It visits a few URLs of each
*kind* (the view a URL resolves to, with or without a query string; static files by extension),
so a site with thousands of objects is covered in a few hundred requests: every kind of page,
not every page. ``populate(label)`` builds demo-like content with factories; ``label`` goes into
every title, name, tag and caption (the escaping tests pass a hostile string).

``PageParser`` reads an HTML page the way a browser would for what matters to security: links,
``<script>`` elements (inline or not, with their nonce) and ``on…`` event-handler attributes.
"""

import io
from collections import Counter, deque
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve
from django.utils.html import escape
from PIL import Image

from policyhub.pages.models import Menu
from tests.factories import (
    ActorFactory,
    DocumentFactory,
    HomeSlotFactory,
    LibraryImageFactory,
    MenuFactory,
    MenuItemFactory,
    OptionSourceFactory,
    PageFactory,
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    SiteSettingsFactory,
    SocialLinkFactory,
    SynonymFactory,
    TopicFactory,
    TrackFactory,
    pdf_upload,
)

# Links a crawler must not follow: none changes state on GET (a test proves it), but these
# would only lead the crawl away (the admin's logout is a POST form in Django 5).
NOT_FOLLOWED = ("mailto:", "tel:", "javascript:", "data:", "#")


@dataclass
class Script:
    attrs: dict
    inline: bool


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.scripts, self.handlers = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}=…>")
        if tag in {"a", "link"} and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag in {"script", "img"} and attributes.get("src"):
            self.links.append(attributes["src"])
        if tag == "form" and (attributes.get("method") or "get").lower() == "get":
            self.links.append(attributes.get("action") or "")
        if tag == "script":
            self.scripts.append(Script(attrs=attributes, inline=not attributes.get("src")))


def parse(html):
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


@dataclass
class Page:
    url: str
    kind: tuple
    response: object

    @property
    def is_html(self):
        return self.response.get("Content-Type", "").startswith("text/html")

    @cached_property
    def text(self):
        if self.response.streaming:
            return b"".join(self.response.streaming_content).decode(errors="replace")
        return self.response.content.decode(errors="replace")


def url_kind(url):
    """What sort of page a site URL is, or None for another site's URL."""
    parts = urlsplit(url)
    if parts.scheme not in {"", "http", "https"} or parts.netloc not in {"", "testserver"}:
        return None
    path = parts.path or "/"
    for prefix, name in [(settings.STATIC_URL, "static"), (settings.MEDIA_URL, "media")]:
        if path.startswith("/" + prefix.lstrip("/")):
            return (name, PurePosixPath(path).suffix)
    try:
        view = resolve(path).view_name
    except Resolver404:
        view = "404"
    return (view, bool(parts.query))


def crawl(client, seeds, per_kind=2, limit=600):
    """GET the seeds and what they link to on this site; at most ``per_kind`` URLs of each kind
    beyond the seeds, which are always fetched."""
    queue = deque((url, True) for url in seeds)
    seen, counts, pages = set(), Counter(), []
    while queue and len(pages) < limit:
        url, is_seed = queue.popleft()
        kind = url_kind(url)
        url = urlsplit(url)._replace(scheme="", netloc="", fragment="").geturl() or "/"
        if url in seen or kind is None or (not is_seed and counts[kind] >= per_kind):
            continue
        seen.add(url)
        counts[kind] += 1
        response = client.get(url)
        page = Page(url=url, kind=kind, response=response)
        pages.append(page)
        if response.has_header("Location"):
            queue.append((urljoin(url, response["Location"]), False))
        if page.is_html:
            for link in parse(page.text).links:
                if not link.startswith(NOT_FOLLOWED):
                    queue.append((urljoin(url, link), False))
    return pages


PUBLIC_SEEDS = [
    "/",
    "/publications",  # no trailing slash: CommonMiddleware's redirect
    "/options/compare/",
    "/robots.txt",
    "/sitemap.xml",
    "/favicon.ico",
    "/healthz",
    "/no/such/page/",
]
ADMIN_SEEDS = ["/admin/", "/admin/password_change/"]
# Reader pages the links alone reach only by chance: selected filters, a comparison, searches
# with and without hits, a bad filter value. For the site-wide HTML and accessibility checks.
READER_SEEDS = [
    *PUBLIC_SEEDS,
    "/publications/?topic=nuclear-diplomacy&tag=diplomacy",
    "/publications/?type=no-such-type",
    "/options/?track=talks",
    "/options/matrix/?track=talks",
    "/options/compare/?options=open-a-channel,freeze-for-freeze",
    "/search/?q=talks",
    "/search/?q=diplomacy&kind=publication",
    "/search/?q=zzzz",
]


# Files, and the API's documentation (Swagger UI, a vendored third-party page).
NOT_READER_PAGES = ("/static/", "/media/", "/api/")


def reader_pages(client):
    """The HTML documents a crawl from READER_SEEDS fetches (redirects left out: no document)."""
    return [
        page
        for page in crawl(client, READER_SEEDS)
        if page.is_html
        and not page.response.has_header("Location")
        and not urlsplit(page.url).path.startswith(NOT_READER_PAGES)
    ]


def tiny_png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "steelblue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def long_read_body(label, image_id):
    """A body with all the reader's aids: headings for a table of contents, footnotes and a
    figure from the image library. ``label`` is HTML (escaped text)."""
    return (
        f"<p>{label}Why sequencing matters<span data-footnote>{label}See "
        f"https://www.38north.org/sequencing for the data.</span>.</p>"
        f"<h2>{label}Background</h2><p>Earlier rounds<span data-footnote>{label}Six-party "
        f"talks, 2003-2009.</span> failed.</p>"
        f'<figure data-image="{image_id}"></figure>'
        f"<h2>{label}Options</h2><h3>{label}Talks first</h3><p>Open a channel.</p>"
        f"<h2>{label}Options</h2><p>Repeated heading, its own id.</p>"
    )


def populate(label=""):
    """Demo-like content: published, draft, scheduled and in-review publications with people
    (some authors of hidden pieces only, one of nothing, so readers must not see them), topics,
    nested regions, tags and related reading; a policy question with tracks, actors, options,
    prerequisites and sources; a search synonym; pages in every state and both menus; an
    editors' group. ``label`` is put into every
    piece of plain text a reader or editor sees."""
    analysis = PublicationTypeFactory(name=f"{label}Analysis", slug="analysis")
    brief = PublicationTypeFactory(name=f"{label}Policy brief", slug="policy-brief")
    topic = TopicFactory(name=f"{label}Nuclear diplomacy", slug="nuclear-diplomacy")
    TopicFactory(name=f"{label}Sanctions", slug="sanctions")
    asia = RegionFactory(name=f"{label}Asia", slug="asia")
    korea = RegionFactory(name=f"{label}Korean peninsula", slug="korean-peninsula", parent=asia)
    author = PersonFactory(name=f"{label}Ada Fellow", slug="ada-fellow", role=f"{label}Fellow")
    second = PersonFactory(name=f"{label}Ben Analyst", slug="ben-analyst")
    chart = LibraryImageFactory(
        title=f"{label}Trade chart",
        image=tiny_png("chart.png"),
        alt=f"{label}Exports fell by half",
        caption=f"{label}Exports, 2015-2020",
        credit=f"{label}KOTRA",
    )
    first = PublicationFactory(
        title=f"{label}Talks before threats",
        body=long_read_body(escape(label), chart.pk),
        slug="talks-before-threats",
        publication_type=analysis,
        summary=f"{label}Why sequencing matters.",
        hero_image=tiny_png("negotiators.png"),
        hero_caption=f"{label}Negotiators in 2019",
        hero_credit=f"{label}Photo agency",
        hero_alt=f"{label}A negotiating table",
        media=f"https://youtu.be/dQw4w9WgXcQ {label}Launch event\nhttps://evil.example/x",
        authors=[author, second],
        topics=[topic],
        regions=[korea],
        tags=[f"{label}diplomacy", "food security"],
    )
    PublicationFactory(
        title=f"{label}Sanctions that bite",
        slug="sanctions-that-bite",
        publication_type=brief,
        authors=[second],
        topics=[topic],
        regions=[asia],
        tags=[f"{label}diplomacy", "sanctions"],
        related=[first],
    )
    # People readers must not see: authors of hidden pieces only, and one with no byline.
    hidden_people = [
        PersonFactory(
            name=f"{label}Hester {word}",
            slug=f"hester-{word.lower()}",
            role=f"{label}Visiting {word.lower()} fellow",
            bio=f"{label}Unreviewed bio of Hester {word}.",
        )
        for word in ("Draftwright", "Schedulewright", "Reviewwright", "Nobyline")
    ]
    draft = PublicationFactory(
        title=f"{label}Draft piece", slug="draft-piece", draft=True, authors=[hidden_people[0]]
    )
    PublicationDocumentFactory(
        publication=first,
        document=DocumentFactory(
            title=f"{label}Talks before threats, full report",
            description=f"{label}The whole study.",
            file=pdf_upload(["Summary page", "Findings on sequencing"]),
        ),
    )
    PublicationDocumentFactory(
        publication=draft,
        label="annex",
        document=DocumentFactory(title=f"{label}Draft annex", file=pdf_upload(["Unreleased"])),
    )
    PublicationFactory(
        title=f"{label}Scheduled piece",
        slug="scheduled-piece",
        scheduled=True,
        authors=[hidden_people[1]],
    )
    PublicationFactory(
        title=f"{label}Piece in review",
        slug="piece-in-review",
        in_review=True,
        authors=[hidden_people[2]],
    )
    question = PolicyQuestionFactory(
        title=f"{label}How should Washington engage?", slug="engage", summary=f"{label}Options."
    )
    question.regions.set([korea])
    talks = TrackFactory(name=f"{label}Talks", slug="talks")
    pressure = TrackFactory(name=f"{label}Pressure", slug="pressure")
    envoy = ActorFactory(name=f"{label}Special envoy", slug="special-envoy")
    start = PolicyOptionFactory(
        title=f"{label}Open a channel",
        slug="open-a-channel",
        question=question,
        track=talks,
        actors=[envoy],
        tags=[f"{label}diplomacy"],
    )
    then = PolicyOptionFactory(
        title=f"{label}Freeze for freeze",
        slug="freeze-for-freeze",
        question=question,
        track=pressure,
        prerequisites=[start],
        conditions=f"{label}A channel exists",
    )
    PolicyOptionFactory(title=f"{label}Draft option", slug="draft-option", draft=True)
    OptionSourceFactory(option=start, publication=first, quote=f"{label}Talk first.")
    OptionSourceFactory(option=then, publication=first, note=f"{label}Cited")
    SynonymFactory(terms="DPRK, North Korea", note=f"{label}Common names")
    # Pages in every state, in both menus; only the live ones may be reached.
    about = PageFactory(
        title=f"{label}About",
        slug="about",
        summary=f"{label}Who we are.",
        hero_image=tiny_png("team.png"),
        hero_alt=f"{label}The team",
        hero_caption=f"{label}Our staff",
        hero_credit=f"{label}Photo desk",
    )
    board = PageFactory(title=f"{label}Board", slug="board", parent=about)
    draft_page = PageFactory(title=f"{label}Draft page", slug="draft-page", draft=True)
    PageFactory(title=f"{label}Under a draft", slug="under-draft", parent=draft_page)
    scheduled_page = PageFactory(title=f"{label}Scheduled page", slug="later", scheduled=True)
    # The site settings with everything set: logo, footer, profile links, share image.
    site_settings = SiteSettingsFactory(
        tagline=f"{label}Research for peace",
        footer_text=f"{label}An independent institute.\nRegistered charity.",
        logo=tiny_png("logo.png"),
        share_image=tiny_png("share.png"),
        share_image_alt=f"{label}The institute's sign",
        legal_name=f"{label}Institute Ltd",
    )
    SocialLinkFactory(site=site_settings, label=f"{label}Mastodon")
    header = MenuFactory(place=Menu.Place.HEADER)
    for target in [
        {"listing": "publications:list"},
        {"page": about, "label": f"{label}About us"},
        {"page": draft_page},
        {"publication": first},
        {"question": question},
        {"topic": topic},
    ]:
        MenuItemFactory(menu=header, **target)
    for target in [{"page": board}, {"page": scheduled_page}, {"listing": "tags"}]:
        MenuItemFactory(**target)
    # Home page slots of every kind, some with their own words and image; those of hidden
    # targets must leave no trace.
    for target in [
        {"publication": first},
        {"option": start, "title": f"{label}Start here", "summary": f"{label}The first step."},
        {"question": question},
        {"page": about, "image": tiny_png("harbour.png"), "image_alt": f"{label}A harbour"},
        {"page": draft_page, "title": f"{label}Draft page slot"},
        {"publication": draft},
    ]:
        HomeSlotFactory(**target)
    Group.objects.get_or_create(name=f"{label}Editors")
    return {
        "publication": first,
        "question": question,
        "option": start,
        "author": author,
        "hidden_people": hidden_people,
    }
