"""A publication is found by a sentence deep in an attached document, and the hit says where."""

import pytest
from django.urls import reverse

from policyhub.search import search
from policyhub.search.indexing import rebuild
from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

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
