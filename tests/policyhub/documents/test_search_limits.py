"""A long document never breaks the index of the publications that list it."""

import random

import pytest
from django.db import connection

from policyhub.documents.models import Document
from policyhub.search import search
from policyhub.search.indexing import rebuild
from tests.factories import DocumentFactory, PublicationDocumentFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def huge_document():
    # 300 pages of distinct figures, as a statistical annex: far past the 1 MB PostgreSQL
    # allows a tsvector; its first page names the report.
    rng = random.Random(3)
    pages = ["Kaesong ledger of trade."] + [
        " ".join(str(rng.randrange(10**9)) for _ in range(800)) for _ in range(300)
    ]
    document = DocumentFactory(title="Annex of figures")
    Document.objects.filter(pk=document.pk).update(page_texts=pages)
    document.refresh_from_db()
    return document


def test_a_document_too_long_to_index_whole_is_found_by_its_first_pages():
    publication = PublicationFactory(title="Trade figures")
    PublicationDocumentFactory(publication=publication, document=huge_document())
    hit = search("Kaesong ledger").page[0]
    assert hit.found_in.page == 1
    rebuild()
    assert search("Kaesong ledger").total == 1
    # Past what PostgreSQL can hold, the last page is left out there, and only there.
    last = document_last_word(publication)
    assert search(last).total == (0 if connection.vendor == "postgresql" else 1)


def document_last_word(publication):
    return publication.document_attachments.get().document.page_texts[-1].split()[-1]


def test_words_past_the_positions_postgresql_keeps_are_found_on_their_page():
    # Page 37 of 500-word pages starts past word 18,000; PostgreSQL keeps positions to 16,383.
    pages = [" ".join(f"w{n}x{i % 97}" for i in range(500)) for n in range(40)]
    pages[36] += " the humanitarian corridor through Sinuiju reopened"
    document = DocumentFactory(title="Dense report")
    Document.objects.filter(pk=document.pk).update(page_texts=pages)
    PublicationDocumentFactory(publication=PublicationFactory(), document=document)
    found = search("humanitarian corridor Sinuiju").page[0].found_in
    assert (found.page, found.title) == (37, "Dense report")
    assert "<mark>corridor</mark> through <mark>Sinuiju</mark> reopened" in found.snippet
    # Quoted, the words must stand in order at known positions: README, "PostgreSQL limits".
    phrase = search('"humanitarian corridor"').total
    assert phrase == (0 if connection.vendor == "postgresql" else 1)
