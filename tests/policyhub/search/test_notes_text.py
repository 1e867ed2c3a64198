"""A footnote's text is searchable and stands apart from the word it follows."""

import pytest

from policyhub.search import search
from policyhub.search.documents import plain_text
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def test_a_note_does_not_run_into_the_word_before_it():
    html = '<p>Sanctions<span data-footnote="">UN resolution 2397.</span> bite.</p>'

    assert plain_text(html) == "Sanctions · UN resolution 2397. · bite."


def test_search_finds_the_word_before_a_note_and_the_note():
    PublicationFactory(
        title="Pressure", body='<p>Sanctions<span data-footnote="">Kotra figures.</span></p>'
    )

    for query in ("sanctions", "kotra"):
        titles = [
            hit.title.replace("<mark>", "").replace("</mark>", "") for hit in search(query).page
        ]
        assert titles == ["Pressure"], query
