"""Hostile input through the search page and the suggest endpoint: never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import PersonFactory, PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

TOKENS = st.sampled_from(
    ['"', "'", "(", ")", "*", "-", ":", "NEAR", "AND", "OR", "NOT", "^", "\x00", "\x07",
     "\u202e", "🕊️", "평화", "état", "peace", "policy", " ", "\\", "%", "_", "{", "}", "!!", "&"]
)  # fmt: skip
QUERIES = st.one_of(st.text(max_size=60), st.lists(TOKENS, max_size=20).map("".join))


@pytest.fixture
def corpus(db):
    PublicationFactory(title="Peace policy", tags=["peace"], authors=[PersonFactory()])
    PolicyOptionFactory(title="Policy for peace")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=QUERIES, sort=st.sampled_from(["", "date", "relevance", "x"]))
@example(q="\x00", sort="")
@example(q="x" * 10_000, sort="")
@example(q=" ".join(["peace"] * 5000), sort="date")
@example(q='peace "policy', sort="")
@example(q="(peace OR", sort="")
@example(q="peace NEAR/2 policy", sort="")
@example(q="title:peace", sort="")
@example(q="-peace", sort="")
@example(q="peace*", sort="")
@example(q="l'état a.b x AND", sort="")
def test_search_page_never_fails(client, corpus, q, sort):
    response = client.get(reverse("search:search"), {"q": q, "sort": sort})
    assert response.status_code in (200, 400)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=QUERIES, extra=st.dictionaries(st.sampled_from(["topic", "tag", "year", "page"]), TOKENS))
def test_search_filters_never_fail(client, corpus, q, extra):
    response = client.get(reverse("search:search"), {"q": q, **extra})
    assert response.status_code in (200, 400, 404)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=QUERIES)
@example(q="\x00")
@example(q="x" * 10_000)
def test_suggest_never_fails(client, corpus, q):
    response = client.get(reverse("search:suggest"), {"q": q})
    assert response.status_code == 200
