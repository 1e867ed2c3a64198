"""A publication is found by a sentence deep in an attached document, and the hit says where."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policyhub.search import search
from policyhub.search.indexing import rebuild
from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)

PAGES = [f"Page {n} discusses ordinary matters of state." for n in range(1, 40)] + [
    "The humanitarian corridor through Sinuiju reopened in spring."
]


def report(pages=PAGES, title="Full text of the report"):
    return DocumentFactory(title=title, file=pdf_upload(pages))


def test_a_phrase_on_a_late_page_finds_the_publication(client):
    publication = PublicationFactory(title="Engaging the North", summary="On diplomacy.")
    PublicationDocumentFactory(publication=publication, document=report(), label="annex")
    results = search('"humanitarian corridor" Sinuiju')
    assert [hit.title for hit in results.page] == ["Engaging the North"]
    found = results.page[0].found_in
    assert (found.label, found.page) == ("Annex", 40)
    assert "<mark>Sinuiju</mark>" in found.snippet
    assert found.url.endswith(".pdf#page=40")
    page = client.get(reverse("search:search"), {"q": "Sinuiju"}).content.decode()
    assert "page 40 of the annex" in page
    assert "<mark>Sinuiju</mark> reopened" in page


def test_attaching_and_detaching_updates_the_index():
    publication = PublicationFactory()
    attachment = PublicationDocumentFactory(publication=publication, document=report())
    assert search("Sinuiju").total == 1
    attachment.delete()
    assert search("Sinuiju").total == 0


def test_a_rebuild_indexes_attached_documents():
    PublicationDocumentFactory(document=report())
    rebuild()
    assert search("Sinuiju").total == 1


def test_renaming_a_document_reindexes_its_publications():
    document = report()
    PublicationDocumentFactory(document=document)
    document.title = "Zanzibar dossier"
    document.save()
    assert search("Zanzibar").total == 1


def test_a_document_of_a_draft_is_not_found():
    PublicationDocumentFactory(publication=PublicationFactory(draft=True), document=report())
    assert search("Sinuiju").total == 0


def test_own_fields_outrank_a_document_match():
    attached = PublicationFactory(title="Unrelated title", summary="Nothing here.")
    PublicationDocumentFactory(publication=attached, document=report())
    body = PublicationFactory(
        title="Another", summary="Nothing.", body="<p>A note on Sinuiju and more.</p>"
    )
    PublicationFactory(title="Sinuiju", summary="Nothing.")
    assert [hit.title for hit in search("Sinuiju").page] == [
        "<mark>Sinuiju</mark>",
        body.title,
        attached.title,
    ]


# Page 37 of 40 holds the phrase; the publication's own text is full of common words, and one
# of the phrase's words appears on an earlier page and in the body on its own.
DEEP_PAGES = [f"Page {n} of the report is about the state of the roads." for n in range(1, 41)]
DEEP_PAGES[9] = "A humanitarian mission visited the border in the winter."
DEEP_PAGES[36] = "In spring the humanitarian corridor through Sinuiju reopened to the trucks."
COMMON_BODY = "<p>The humanitarian situation of the north is the subject of this piece.</p>"


def deep_report():
    return report(pages=DEEP_PAGES, title="Roads and borders")


@pytest.mark.parametrize(
    "query",
    [
        '"humanitarian corridor through Sinuiju"',
        "the humanitarian corridor",
        '"the humanitarian corridor"',
        "corridor through the Sinuiju",
    ],
)
def test_a_phrase_with_common_words_names_its_page(query):
    publication = PublicationFactory(
        title="Engaging the North", summary="On the state of diplomacy.", body=COMMON_BODY
    )
    PublicationDocumentFactory(publication=publication, document=deep_report(), label="full-report")
    hit = search(query).page[0]
    assert hit.url == publication.get_absolute_url()
    found = hit.found_in
    assert found is not None, f"{query!r} named no page"
    assert (found.label, found.title, found.page) == ("Full report", "Roads and borders", 37)
    assert found.url.endswith(".pdf#page=37")
    assert "<mark>corridor</mark>" in found.snippet
    assert "reopened to the trucks" in found.snippet  # page 37, not page 10
    assert "<mark>the</mark>" not in found.snippet.lower()


def test_the_page_is_named_on_the_search_page(client):
    publication = PublicationFactory(title="Engaging", summary="On the state.", body=COMMON_BODY)
    PublicationDocumentFactory(publication=publication, document=deep_report(), label="annex")
    page = client.get(reverse("search:search"), {"q": "the humanitarian corridor"})
    html = page.content.decode()
    assert "page 37 of the annex" in html
    assert "<mark>humanitarian</mark> <mark>corridor</mark> through Sinuiju" in html


def test_a_hit_its_own_fields_explain_names_no_page():
    publication = PublicationFactory(
        title="The humanitarian corridor", summary="On the state.", body=COMMON_BODY
    )
    PublicationDocumentFactory(publication=publication, document=deep_report())
    hit = search("the humanitarian corridor").page[0]
    assert hit.found_in is None
    assert hit.title == "The <mark>humanitarian</mark> <mark>corridor</mark>"


def test_own_fields_outrank_a_document_match_for_a_phrase_with_common_words():
    attached = PublicationFactory(title="Roads", summary="On the state.", body=COMMON_BODY)
    PublicationDocumentFactory(publication=attached, document=deep_report())
    own = PublicationFactory(
        title="Rivers", summary="On the state.", body="<p>The humanitarian corridor.</p>"
    )
    hits = list(search('"the humanitarian corridor"').page)
    assert [hit.url for hit in hits] == [own.get_absolute_url(), attached.get_absolute_url()]
    assert hits[0].found_in is None
    assert hits[1].found_in.page == 37


@pytest.mark.parametrize("state", ["draft", "in_review", "unpublished", "scheduled"])
def test_a_document_of_a_hidden_publication_shows_no_page_or_snippet(client, state):
    hidden = PublicationFactory(title="Hidden piece", body=COMMON_BODY, **{state: True})
    PublicationDocumentFactory(publication=hidden, document=deep_report())
    results = search('"humanitarian corridor through Sinuiju"')
    assert results.total == 0
    html = client.get(reverse("search:search"), {"q": "humanitarian corridor Sinuiju"})
    html = html.content.decode()
    assert "Hidden piece" not in html
    assert "Sinuiju reopened" not in html
    assert "Found on" not in html


def test_a_later_document_holding_the_whole_query_is_named():
    publication = PublicationFactory(title="Trade", summary="On trade.", body="<p>Trade.</p>")
    first = report(pages=["A corridor of roads.", "Nothing else."], title="Roads")
    annex = report(pages=["Intro.", "The grain corridor reopened."], title="Grain annex")
    PublicationDocumentFactory(publication=publication, document=first, order=0)
    PublicationDocumentFactory(publication=publication, document=annex, order=1, label="annex")
    found = search("grain corridor").page[0].found_in
    assert (found.label, found.title, found.page) == ("Annex", "Grain annex", 2)


def test_later_documents_are_not_read_once_one_holds_the_whole_query():
    publication = PublicationFactory(title="Trade", summary="On trade.", body="<p>Trade.</p>")
    documents = [
        report(pages=["The grain corridor reopened."], title=title)
        for title in ("Grain report", "Grain annex")
    ]
    for order, document in enumerate(documents):
        PublicationDocumentFactory(publication=publication, document=document, order=order)
    with CaptureQueriesContext(connection) as captured:
        found = search("grain corridor").page[0].found_in
    assert found.title == "Grain report"
    reads = [q["sql"] for q in captured.captured_queries if "page_texts" in q["sql"]]
    assert len(reads) == 1
    assert f'"documents_document"."id" IN ({documents[0].pk})' in reads[0]  # the report only


def test_a_phrase_only_on_page_5_is_found_with_its_page():
    publication = PublicationFactory(title="Fisheries", summary="On boats.", body="<p>Nets.</p>")
    pages = [f"Page {n} is about quotas and harbours." for n in range(1, 9)]
    pages[4] = "The joint patrol of the estuary began in May."
    PublicationDocumentFactory(publication=publication, document=report(pages=pages))
    results = search('"joint patrol of the estuary"')
    assert results.total == 1
    found = results.page[0].found_in
    assert (found.page, found.place) == (5, "page 5")
    assert "<mark>estuary</mark> began in May" in found.snippet


def test_words_split_between_own_fields_and_a_document_find_the_publication():
    # The match is over a publication's own fields and its documents as one text.
    publication = PublicationFactory(title="Estuary talks", summary="On boats.", body="<p>x</p>")
    pages = ["Nothing here.", "The patrol began in May."]
    PublicationDocumentFactory(publication=publication, document=report(pages=pages))
    PublicationFactory(title="Estuary only", summary="On boats.")
    results = search("estuary patrol")
    assert [hit.url for hit in results.page] == [publication.get_absolute_url()]
    assert results.page[0].found_in.page == 2
    assert search("patrol OR zzyzx").total == 1
    assert search("estuary -patrol").total == 1  # "Estuary only"


def test_a_document_two_publications_list_names_its_page_for_each():
    document = report()
    first, second = PublicationFactory(title="One"), PublicationFactory(title="Two")
    PublicationDocumentFactory(publication=first, document=document)
    PublicationDocumentFactory(publication=second, document=document, label="annex")
    results = search('"humanitarian corridor through Sinuiju"')
    assert results.total == 2
    assert sorted((hit.found_in.label, hit.found_in.page) for hit in results.page) == [
        ("Annex", 40),
        ("Full report", 40),
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite ranks by the own fields alone")
def test_sqlite_ranks_a_document_match_by_date_after_own_field_matches():
    now = timezone.now()
    older = PublicationFactory(title="Older", summary="On boats.", published_at=now - DAY * 9)
    newer = PublicationFactory(title="Newer", summary="On boats.", published_at=now - DAY)
    for publication, pages in ((older, ["Sinuiju " * 30]), (newer, ["Sinuiju once."])):
        PublicationDocumentFactory(publication=publication, document=report(pages=pages))
    own = PublicationFactory(title="Other", summary="Nothing.", body="<p>Sinuiju.</p>")
    # A report that repeats the word does not lift its publication: its own fields decide.
    assert [hit.url for hit in search("Sinuiju").page] == [
        own.get_absolute_url(),
        newer.get_absolute_url(),
        older.get_absolute_url(),
    ]
