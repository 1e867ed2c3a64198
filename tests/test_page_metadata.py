"""Every kind of public page has its own <title>, a description, a canonical link, Open Graph and
Twitter card tags that agree with them, and one <h1>-independent head that crawlers can read."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import (
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    image_file,
)

pytestmark = pytest.mark.django_db

SUFFIX = " · PolicyHub"


class HeadReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.titles, self.meta, self.links, self._in_title = [], {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
            self.titles.append("")
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)

    def handle_data(self, data):
        if self._in_title:
            self.titles[-1] += data

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False


def head(html):
    reader = HeadReader()
    reader.feed(html)
    return reader


@pytest.fixture
def pages():
    asia = RegionFactory(slug="asia", name="Asia", description="The continent.")
    topic = TopicFactory(slug="aid", name="Aid")
    person = PersonFactory(slug="ana-ruiz", name="Ana Ruiz", bio="Writes about aid.")
    publications = [
        PublicationFactory(
            title=f"Piece {n}", authors=[person], topics=[topic], regions=[asia], tags=["sanctions"]
        )
        for n in range(21)
    ]
    option = PolicyOptionFactory(slug="talk", title="Talk first")
    PolicyOptionFactory(slug="wait", question=option.question)
    OptionSourceFactory(option=option, publication=publications[0])
    return {
        "home": reverse("home"),
        "publication list": reverse("publications:list"),
        "publication list page 2": reverse("publications:list") + "?page=2",
        "publication": publications[0].get_absolute_url(),
        "person": person.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "topic page 2": topic.get_absolute_url() + "?page=2",
        "region": asia.get_absolute_url(),
        "tag": reverse("tag", args=["sanctions"]),
        "options": reverse("options:list"),
        "matrix": reverse("options:matrix"),
        "compare": reverse("options:compare") + "?options=talk,wait",
        "questions": reverse("options:questions"),
        "question": option.question.get_absolute_url(),
        "option": option.get_absolute_url(),
        "search": reverse("search:search"),
    }


def test_every_public_page_has_its_own_title_description_canonical_and_social_tags(client, pages):
    titles = {}
    for kind, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, kind
        found = head(response.content.decode())
        meta = found.meta

        assert len(found.titles) == 1, kind
        title = found.titles[0].strip()
        assert title and title not in titles, (kind, title, titles.get(title))
        titles[title] = kind

        assert len(meta["description"]) == 1 and meta["description"][0].strip(), kind
        canonicals = [link["href"] for link in found.links if link.get("rel") == "canonical"]
        assert len(canonicals) == 1, kind
        canonical = canonicals[0]
        assert canonical == f"http://testserver{url.split('?')[0]}" + (
            "?page=2" if "page=2" in url else ""
        ), kind

        for key in ["og:site_name", "og:type", "og:title", "og:description", "og:url"]:
            assert len(meta.get(key, [])) == 1 and meta[key][0].strip(), (kind, key)
        for key in ["twitter:card", "twitter:title", "twitter:description"]:
            assert len(meta.get(key, [])) == 1 and meta[key][0].strip(), (kind, key)
        assert meta["og:url"] == [canonical], kind
        assert meta["og:site_name"] == ["PolicyHub"], kind
        assert meta["twitter:card"] == ["summary"], kind  # no page here has an image
        assert meta["twitter:title"] == meta["og:title"], kind
        if "page 2" not in kind:
            # The social title is the page's own title, without the site's name after it.
            assert meta["og:title"] == [title.removesuffix(SUFFIX)], kind


def test_titles_and_descriptions_say_what_the_page_is(client, pages):
    expectations = {
        "publication": ("Piece 0 · PolicyHub", "article"),
        "person": ("Ana Ruiz · PolicyHub", "profile"),
        "topic": ("Aid · PolicyHub", "website"),
        "topic page 2": ("Aid (page 2) · PolicyHub", "website"),
        "region": ("Asia · PolicyHub", "website"),
        "tag": ("Tag: sanctions · PolicyHub", "website"),
        "home": ("PolicyHub: research and policy options", "website"),
    }
    for kind, (title, og_type) in expectations.items():
        found = head(client.get(pages[kind]).content.decode())
        assert found.titles == [title], kind
        assert found.meta["og:type"] == [og_type], kind
    person = head(client.get(pages["person"]).content.decode()).meta
    assert person["description"] == ["Writes about aid."]
    assert person["og:description"] == ["Writes about aid."]
    region = head(client.get(pages["region"]).content.decode()).meta
    assert region["description"] == ["The continent."]
    # A topic without a description falls back to a sentence naming it.
    topic = head(client.get(pages["topic"]).content.decode()).meta
    assert topic["og:description"] == ["Publications on Aid"]


def test_publication_images_make_a_large_card(client, settings, tmp_path):
    publication = PublicationFactory(
        hero_image=image_file("hero.png"),
        hero_alt="A harbour at dawn",
    )

    meta = head(client.get(publication.get_absolute_url()).content.decode()).meta

    # The largest JPEG rendition: made without metadata, in a format every crawler reads.
    largest = publication.hero_picture.largest_jpeg
    image = f"http://testserver{largest['url']}"
    assert largest["name"].endswith(".jpg")
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["og:image"] == [image]
    assert meta["twitter:image"] == [image]
    assert meta["og:image:width"] == [str(largest["width"])]
    assert meta["og:image:alt"] == ["A harbour at dawn"]


def test_publications_carry_highwire_citation_tags(client):
    publication = PublicationFactory(
        title="Engaging Korea",
        authors=[PersonFactory(name="Ana Ruiz"), PersonFactory(name="Li Wei")],
        tags=["aid"],
    )

    meta = head(client.get(publication.get_absolute_url()).content.decode()).meta

    assert meta["citation_title"] == ["Engaging Korea"]
    assert meta["citation_author"] == ["Ana Ruiz", "Li Wei"]
    assert meta["citation_publication_date"] == [publication.published_at.strftime("%Y/%m/%d")]
    assert meta["citation_publisher"] == ["PolicyHub"]
    assert meta["citation_keywords"] == ["aid"]
    assert "citation_pdf_url" not in meta
    # Only reports name an institution.
    assert "citation_technical_report_institution" not in meta


def test_pages_link_the_print_stylesheet(client, pages):
    html = client.get(pages["publication"]).content.decode()

    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
