"""Every endpoint answers with what readers see, filtered like the reader pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    DocumentFactory,
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"


@pytest.fixture
def content():
    asia = RegionFactory(slug="asia", name="Asia")
    korea = RegionFactory(slug="korea", name="Korea", parent=asia)
    topic = TopicFactory(slug="security", name="Security")
    author = PersonFactory(slug="ana", name="Ana Ortiz")
    brief = PublicationTypeFactory(slug="brief", name="Brief")
    old = PublicationFactory(
        slug="old-piece",
        title="Old piece",
        # Fixed words: a generated sentence may hold "new", and a search for "new piece" tells
        # the two apart.
        summary="An earlier look at the same border.",
        published_at=timezone.now() - timedelta(days=800),
        tags=["Sanctions"],
    )
    new = PublicationFactory(
        slug="new-piece",
        title="New piece",
        summary="What changed at the border this year.",
        publication_type=brief,
        authors=[author],
        topics=[topic],
        regions=[korea],
        tags=["Sanctions", "Food security"],
        related=[old],
    )
    question = PolicyQuestionFactory(slug="engage", title="How to engage?")
    option = PolicyOptionFactory(slug="talk", title="Talk first", question=question, tags=["Talks"])
    OptionSourceFactory(option=option, publication=new, stance="supports", quote="We should.")
    return {"old": old, "new": new, "option": option, "question": question, "author": author}


def slugs(response):
    return [item["slug"] for item in response.json()["results"]]


def test_publication_list_newest_first_with_absolute_urls(client, content):
    response = client.get(API + "publications/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert slugs(response) == ["new-piece", "old-piece"]
    first = response.json()["results"][0]
    assert first["url"] == "http://testserver/publications/new-piece/"
    assert first["id"] == content["new"].pk
    assert first["type"] == {
        "id": content["new"].publication_type_id,
        "slug": "brief",
        "name": "Brief",
    }
    assert [a["slug"] for a in first["authors"]] == ["ana"]
    assert [t["slug"] for t in first["topics"]] == ["security"]
    assert [r["slug"] for r in first["regions"]] == ["korea"]
    assert {t["name"] for t in first["tags"]} == {"Sanctions", "Food security"}
    assert first["tags"][0]["url"].startswith("http://testserver/tags/")


@pytest.mark.parametrize(
    "query, expected",
    [
        ("type=brief", ["new-piece"]),
        ("topic=security", ["new-piece"]),
        ("region=asia", ["new-piece"]),  # sub-regions included
        ("tag=sanctions", ["new-piece", "old-piece"]),
        ("author=ana", ["new-piece"]),
        ("type=brief&tag=sanctions", ["new-piece"]),
    ],
)
def test_publication_filters_match_the_reader_list(client, content, query, expected):
    assert slugs(client.get(f"{API}publications/?{query}")) == expected


def test_year_filter(client, content):
    year = content["old"].published_at.year

    assert slugs(client.get(f"{API}publications/?year={year}")) == ["old-piece"]


def test_updated_since_gives_what_changed(client, content):
    since = timezone.now() - timedelta(minutes=1)
    type(content["old"]).objects.filter(pk=content["old"].pk).update(
        updated_at=timezone.now() - timedelta(days=2)
    )
    response = client.get(f"{API}publications/", {"updated_since": since.isoformat()})

    assert slugs(response) == ["new-piece"]


@pytest.mark.parametrize(
    "query, param",
    [
        ("topic=nope", "topic"),
        ("region=a%20b", "region"),
        ("year=abc", "year"),
        ("updated_since=yesterday", "updated_since"),
        ("author=%00", "author"),
        ("fields=id,password", "fields"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(client, content, query, param):
    response = client.get(f"{API}publications/?{query}")

    assert response.status_code == 400
    assert param in response.json()
    assert response["Content-Type"] == "application/json"


def test_bad_option_filter_is_a_400(client, content):
    response = client.get(API + "options/?level=cosmic")

    assert response.status_code == 400
    assert "level" in response.json()


def test_fields_trims_the_response(client, content):
    response = client.get(API + "publications/?fields=id,slug")

    assert response.json()["results"][0] == {"id": content["new"].pk, "slug": "new-piece"}


def test_cursor_pagination(client, content):
    first = client.get(API + "publications/?page_size=1").json()
    second = client.get(first["next"]).json()

    assert [r["slug"] for r in first["results"]] == ["new-piece"]
    assert [r["slug"] for r in second["results"]] == ["old-piece"]
    assert second["next"] is None


def test_publication_detail_has_body_related_and_options(client, content):
    response = client.get(API + "publications/new-piece/")

    data = response.json()
    assert response.status_code == 200
    assert data["body"] == "<p>Body text for the publication.</p>"
    assert [(r["slug"], r["reason"]) for r in data["related"]] == [
        ("old-piece", "recommended by our editors")
    ]
    assert data["options"] == [
        {
            "option": {
                "id": content["option"].pk,
                "slug": "talk",
                "title": "Talk first",
                "url": "http://testserver/options/talk/",
            },
            "stance": "supports",
            "quote": "We should.",
            "note": "",
        }
    ]


def test_option_and_question_endpoints(client, content):
    options = client.get(API + "options/").json()["results"]
    option = client.get(API + "options/talk/").json()
    questions = client.get(API + "questions/").json()["results"]
    question = client.get(API + "questions/engage/").json()

    assert [o["slug"] for o in options] == ["talk"]
    assert option["question"]["slug"] == "engage"
    assert [(s["publication"]["slug"], s["stance"]) for s in option["sources"]] == [
        ("new-piece", "supports")
    ]
    assert [q["slug"] for q in questions] == ["engage"]
    assert question["url"] == "http://testserver/options/questions/engage/"
    assert slugs(client.get(API + "options/?question=engage&tag=talks")) == ["talk"]


def test_taxonomies_and_people(client, content):
    PersonFactory(slug="nobody")  # wrote nothing published: not listed

    assert slugs(client.get(API + "people/")) == ["ana"]
    assert client.get(API + "people/nobody/").status_code == 404
    assert slugs(client.get(API + "topics/")) == ["security"]
    regions = client.get(API + "regions/").json()["results"]
    assert [(r["slug"], r["parent"]) for r in regions] == [("asia", None), ("korea", "asia")]
    assert slugs(client.get(API + "tags/")) == ["food-security", "sanctions", "talks"]
    assert client.get(API + "tags/sanctions/").json()["url"] == "http://testserver/tags/sanctions/"


def test_search_uses_the_site_search(client, content):
    response = client.get(API + "search/", {"q": "new piece"})

    data = response.json()
    assert response.status_code == 200
    assert data["total"] == 1
    assert data["results"][0]["url"] == "http://testserver/publications/new-piece/"
    assert {group["param"] for group in data["facets"]} >= {"kind"}


def test_a_search_hit_names_the_document_page_it_was_found_on(client, content):
    pages = ["An opening page.", "The grain corridor through Sinuiju reopened."]
    document = DocumentFactory(title="Corridor annex", file=pdf_upload(pages))
    PublicationDocumentFactory(
        publication=PublicationFactory(slug="with-annex", title="Trade"), document=document
    )
    hit = client.get(API + "search/", {"q": "the grain corridor"}).json()["results"][0]
    assert hit["url"] == "http://testserver/publications/with-annex/"
    found = hit["found_in"]
    assert (found["label"], found["title"], found["page"]) == ("Full report", "Corridor annex", 2)
    assert "<mark>grain</mark> <mark>corridor</mark>" in found["snippet"]
    assert found["url"].startswith("http://testserver/documents/")
    assert found["url"].endswith("#page=2")
    assert client.get(API + "search/", {"q": "old piece"}).json()["results"][0]["found_in"] is None


def test_search_errors_are_json(client, content):
    assert client.get(API + "search/", {"q": "piece", "page": "0"}).status_code == 400
    assert client.get(API + "search/", {"q": "piece", "page": "9"}).status_code == 404
    assert client.get(API + "search/", {"q": "piece", "topic": "nope"}).json() == {
        "topic": ["No topic called “nope”."]
    }


def test_unknown_api_address_is_json_404(client):
    response = client.get(API + "nothing/here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_writes_are_refused(client, content):
    assert client.post(API + "publications/", {}).status_code in {403, 405}
    assert client.delete(API + "publications/new-piece/").status_code in {403, 405}


def test_markup_characters_are_escaped_in_the_json(client, content):
    response = client.get(API + "publications/?topic=<b>%26")

    assert b"<" not in response.content and b"&" not in response.content
    assert response.json() == {"topic": ["No topic called “<b>&”."]}


def test_the_root_links_every_resource_and_each_link_answers(client):
    links = client.get("/api/v1/").json()

    assert set(links) == {
        "publications",
        "options",
        "questions",
        "people",
        "topics",
        "regions",
        "tags",
        "search",
        "schema",
        "docs",
    }
    for name, url in links.items():
        assert url.startswith("http://testserver/api/v1/"), name
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("resource", ["publications", "options", "people", "tags"])
def test_a_nul_in_a_detail_address_is_a_404(client, resource):
    # PostgreSQL refuses a NUL in a query: the address must not reach one.
    assert client.get(f"/api/v1/{resource}/%00/").status_code == 404


def test_publication_detail_lists_its_documents_with_absolute_urls(client, content):
    report = DocumentFactory(title="The full study", file=pdf_upload(["One", "Two", "Three"]))
    summary = DocumentFactory(title="In brief")
    PublicationDocumentFactory(
        publication=content["new"], document=summary, label="executive-summary", order=1
    )
    PublicationDocumentFactory(publication=content["new"], document=report, order=0)

    documents = client.get(API + "publications/new-piece/").json()["documents"]

    assert documents == [
        {
            "id": report.pk,
            "label": "Full report",
            "title": "The full study",
            "type": "application/pdf",
            "pages": 3,
            "size": report.size,
            "url": f"http://testserver/documents/{report.pk}/the-full-study.pdf",
        },
        {
            "id": summary.pk,
            "label": "Executive summary",
            "title": "In brief",
            "type": "application/pdf",
            "pages": 2,
            "size": summary.size,
            "url": f"http://testserver/documents/{summary.pk}/in-brief.pdf",
        },
    ]
    assert client.get(API + "publications/old-piece/").json()["documents"] == []
    # The list stays light: documents are on the detail only.
    assert "documents" not in client.get(API + "publications/").json()["results"][0]


def test_a_document_shared_with_a_draft_is_listed_only_on_the_live_publication(client, content):
    shared = DocumentFactory(title="Shared annex")
    draft = PublicationFactory(slug="draft-piece", status="draft")
    PublicationDocumentFactory(publication=draft, document=shared, label="annex")
    PublicationDocumentFactory(publication=content["old"], document=shared, label="annex")

    listed = client.get(API + "publications/old-piece/").json()["documents"]
    assert [(item["title"], item["label"]) for item in listed] == [("Shared annex", "Annex")]
    assert client.get(API + "publications/draft-piece/").status_code == 404


# Not base64; base64 of "p=2023" (a position that is no date); of "p=\x00" (a NUL).
@pytest.mark.parametrize(
    "resource, value",
    [
        ("publications/", "garbage"),
        ("publications/", "cD0yMDIz"),
        ("publications/", "cD0A"),
        ("people/", "garbage"),
        ("people/", "cD0A"),
    ],
)
def test_a_bad_cursor_is_a_400_naming_it(client, content, value, resource):
    response = client.get(API + resource, {"cursor": value})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5", "٣"])
def test_a_bad_page_size_is_a_400_naming_it(client, content, value):
    response = client.get(API + "people/", {"page_size": value})

    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_a_page_size_past_the_limit_is_capped(client, content):
    response = client.get(API + "publications/", {"page_size": "100000"})

    assert response.status_code == 200
    assert len(response.json()["results"]) <= 100
