"""SearchDocument.facet_keys: each document's facet values packed in its row, which a search
counts its facets from (policyhub/search/engine.py). Always the same values as its SearchFacet
rows, whichever way the document was written."""

import pytest
from django.core.management import call_command

from policyhub.search.models import SearchDocument, SearchFacet
from publications.models import Authorship
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    asia = RegionFactory(name="Asia")
    korea = RegionFactory(name="Korea", parent=asia)
    for n in range(3):
        publication = PublicationFactory(tags=["sanctions", f"t{n}"])
        publication.topics.add(TopicFactory(), TopicFactory())
        publication.regions.add(korea)
        Authorship.objects.create(publication=publication, person=PersonFactory(), order=0)
    PublicationFactory()  # no facets at all
    PolicyOptionFactory(tags=["sanctions"])


def packed_rows():
    """{document id: facet_keys} and {document id: its SearchFacet rows, packed}."""
    stored = dict(SearchDocument.objects.values_list("pk", "facet_keys"))
    rows = {pk: [] for pk in stored}
    for pk, facet, value in SearchFacet.objects.values_list("document_id", "facet", "value"):
        rows[pk].append((facet, value))
    return stored, {pk: SearchFacet.pack(pairs) for pk, pairs in rows.items()}


def test_saved_documents_carry_their_facet_values(indexed):
    stored, expected = packed_rows()
    assert stored == expected
    assert any(keys.count(" ") >= 5 for keys in stored.values())  # tags, topics, regions, author
    assert "" in stored.values()  # the publication without facets


def test_a_rebuilt_index_carries_them_too(indexed):
    before = packed_rows()[0]
    call_command("rebuild_search_index", "--no-progress")
    stored, expected = packed_rows()
    assert stored == expected
    assert sorted(stored.values()) == sorted(before.values())


def test_every_facet_has_its_own_letter():
    codes = SearchFacet.CODES
    assert set(codes) == set(SearchFacet.Facet)
    assert len(set(codes.values())) == len(codes)
    assert [
        SearchFacet.unpack_key(key)
        for key in SearchFacet.pack([("tag", 12), ("region", 3)]).split()
    ] == [
        ("tag", 12),
        ("region", 3),
    ]
