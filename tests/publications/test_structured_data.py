"""schema.org JSON-LD: parsed out of the pages as a reader's crawler would, with required keys."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from publications import structured_data
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
    image_file,
)

pytestmark = pytest.mark.django_db

HOSTILE = '"></script><svg onload=alert(1)>'


class JsonLdFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.nonces, self._text = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._text = []
            self.nonces.append(attrs.get("nonce"))

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._text is not None:
            self.blocks.append(json.loads("".join(self._text)))
            self._text = None


def json_ld(response):
    """{@type: data} of every JSON-LD block; each block's nonce is the one in the CSP header."""
    assert response.status_code == 200
    finder = JsonLdFinder()
    finder.feed(response.content.decode())
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert finder.nonces and set(finder.nonces) == {nonce}
    blocks = {}
    for block in finder.blocks:
        assert block["@context"] == "https://schema.org"
        blocks[block["@type"]] = block
    return blocks


def test_article_has_the_required_keys(client):
    ana, li = PersonFactory(name="Ana Ruiz"), PersonFactory(name="Li Wei")
    publication = PublicationFactory(
        title="Engaging Korea",
        summary="How and why.",
        authors=[ana, li],
        tags=["sanctions", "aid"],
        hero_image=image_file("hero.png"),
    )

    article = json_ld(client.get(publication.get_absolute_url()))["Article"]

    url = f"http://testserver{publication.get_absolute_url()}"
    assert article["headline"] == "Engaging Korea"
    assert article["url"] == url
    assert article["description"] == "How and why."
    assert article["datePublished"] == structured_data.iso(publication.published_at)
    assert article["dateModified"] == structured_data.iso(publication.updated_at)
    assert article["author"] == [
        {
            "@type": "Person",
            "name": "Ana Ruiz",
            "url": f"http://testserver{ana.get_absolute_url()}",
        },
        {"@type": "Person", "name": "Li Wei", "url": f"http://testserver{li.get_absolute_url()}"},
    ]
    assert article["publisher"] == {
        "@type": "Organization",
        "@id": "http://testserver/#organization",
        "name": "PolicyHub",
        "url": "http://testserver/",
    }
    assert sorted(article["keywords"]) == ["aid", "sanctions"]
    [image] = article["image"]
    largest = publication.hero_renditions["jpeg"][-1]
    assert image == {
        "@type": "ImageObject",
        "url": f"http://testserver{publication.hero_image.storage.url(largest['name'])}",
        "width": largest["width"],
        "height": largest["height"],
    }


def test_article_image_is_the_largest_jpeg_rendition_with_caption_and_credit(client):
    publication = PublicationFactory(
        hero_image=image_file("hero.png", size=(1200, 800)),
        hero_caption="Talks in Geneva.",
        hero_credit="Photo: A. Lens",
    )

    [image] = json_ld(client.get(publication.get_absolute_url()))["Article"]["image"]

    # Renditions stop at the original's own width (1200, under HERO_WIDTHS' 1600): the
    # widest one, as a JPEG, with its size.
    assert (image["width"], image["height"]) == (1200, 800)
    assert image["url"].startswith("http://testserver/") and image["url"].endswith(".jpg")
    assert image["url"] != f"http://testserver{publication.hero_image.url}"
    assert image["caption"] == "Talks in Geneva."
    assert image["creditText"] == "Photo: A. Lens"


def test_article_image_falls_back_to_the_original_until_renditions_exist(client):
    publication = PublicationFactory(hero_image=image_file("hero.png", size=(1200, 800)))
    type(publication).objects.filter(pk=publication.pk).update(hero_renditions={})

    article = json_ld(client.get(publication.get_absolute_url()))["Article"]

    assert article["image"] == [f"http://testserver{publication.hero_image.url}"]


def test_reports_are_reports_and_the_logo_is_named_when_set(client, settings):
    settings.SITE_LOGO = "favicon.svg"
    report = PublicationFactory(
        publication_type=PublicationTypeFactory(name="Special Report", slug="special-report")
    )

    data = json_ld(client.get(report.get_absolute_url()))

    assert "Article" not in data
    assert data["Report"]["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": "http://testserver/static/favicon.svg",
    }
    # No byline: the institute is the author.
    assert data["Report"]["author"] == [data["Report"]["publisher"]]
    assert "image" not in data["Report"]


def test_hostile_title_cannot_end_the_script_element(client):
    publication = PublicationFactory(title=HOSTILE, summary=f"{HOSTILE} & more", tags=[HOSTILE])

    response = client.get(publication.get_absolute_url())
    html = response.content.decode()

    assert "<svg onload" not in html
    assert "\\u003c/script\\u003e\\u003csvg onload=alert(1)\\u003e" in html
    assert "\\u0026 more" in html
    # The JSON still reads back as the title the editor wrote.
    assert json_ld(response)["Article"]["headline"] == HOSTILE
    assert json_ld(response)["BreadcrumbList"]["itemListElement"][-1]["name"] == HOSTILE


def test_script_json_escapes_markup_characters():
    text = structured_data.to_script_json({"a": "</script><!-- & \u2028"})

    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_person_page(client):
    person = PersonFactory(
        name="Ana Ruiz",
        role="Senior fellow",
        affiliation="Institute",
        bio="Writes.",
        link="https://example.org/ana",
    )
    PublicationFactory(authors=[person])

    data = json_ld(client.get(person.get_absolute_url()))

    url = f"http://testserver{person.get_absolute_url()}"
    assert data["Person"] == {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": url,
        "url": url,
        "name": "Ana Ruiz",
        "jobTitle": "Senior fellow",
        "affiliation": {"@type": "Organization", "name": "Institute"},
        "description": "Writes.",
        "sameAs": ["https://example.org/ana"],
    }


def test_person_image_is_a_rendition(client):
    person = PersonFactory(photo=image_file("ana.png", size=(800, 800)), photo_alt="Ana Ruiz")
    PublicationFactory(authors=[person])

    image = json_ld(client.get(person.get_absolute_url()))["Person"]["image"]

    assert (image["width"], image["height"]) == (640, 640)
    assert image["url"].endswith(".jpg")


def test_home_is_a_website_with_a_search_action(client):
    website = json_ld(client.get(reverse("home")))["WebSite"]

    assert website["url"] == "http://testserver/"
    assert website["name"] == "PolicyHub"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_detail_pages_have_breadcrumbs(client):
    asia = RegionFactory(name="Asia", slug="asia")
    korea = RegionFactory(name="Korea", slug="korea", parent=asia)
    topic = TopicFactory(name="Aid")
    person = PersonFactory(name="Ana Ruiz")
    publication = PublicationFactory(
        title="Piece", authors=[person], topics=[topic], regions=[korea], tags=["sanctions"]
    )
    option = PolicyOptionFactory(title="Talk")
    expected = {
        publication.get_absolute_url(): ["PolicyHub", "Publications", "Piece"],
        person.get_absolute_url(): ["PolicyHub", "Ana Ruiz"],
        topic.get_absolute_url(): ["PolicyHub", "Publications", "Aid"],
        korea.get_absolute_url(): ["PolicyHub", "Publications", "Asia", "Korea"],
        reverse("tag", args=["sanctions"]): ["PolicyHub", "Tag: sanctions"],
        option.question.get_absolute_url(): [
            "PolicyHub",
            "Policy questions",
            option.question.title,
        ],
        option.get_absolute_url(): ["PolicyHub", "Policy options", option.question.title, "Talk"],
    }
    for url, names in expected.items():
        crumbs = json_ld(client.get(url))["BreadcrumbList"]["itemListElement"]
        assert [crumb["name"] for crumb in crumbs] == names, url
        assert [crumb["position"] for crumb in crumbs] == list(range(1, len(names) + 1))
        assert crumbs[0]["item"] == "http://testserver/"
        assert crumbs[-1]["item"] == f"http://testserver{url}", url


def test_a_cached_page_gets_a_fresh_nonce_for_its_json_ld(client):
    # The page cache stores pages for anonymous readers; each hit must carry its own nonce, the
    # same in the CSP header and on the JSON-LD blocks.
    publication = PublicationFactory()
    nonces = set()
    for _ in range(2):
        response = client.get(publication.get_absolute_url())
        assert set(json_ld(response)) == {"Article", "BreadcrumbList"}
        nonces.add(re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1])
    assert len(nonces) == 2
