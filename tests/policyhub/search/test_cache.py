"""Search answers kept in the data cache (policyhub/search/engine.py): a repeated query skips the
search statement, and every change readers could see shows on the next search."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policyhub.search import search
from policyhub.search.facets import Filters
from policyhub.search.models import Synonym
from publications.models import Publication
from tests.factories import PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


@pytest.fixture(autouse=True)
def data_cache_on(settings):
    settings.DATA_CACHE_ENABLED = True


def statements(queries):
    return [q for q in queries if "WITH m AS" in q["sql"]]


def searched(query, **kwargs):
    """(results, how many search statements ran)."""
    with CaptureQueriesContext(connection) as queries:
        results = search(query, **kwargs)
    return results, len(statements(queries.captured_queries))


def titles(results):
    return [hit.title.replace("<mark>", "").replace("</mark>", "") for hit in results.page]


def test_a_repeated_search_reuses_the_answer(client):
    PublicationFactory(title="Grain corridor", topics=[TopicFactory(slug="aid")])
    first, first_statements = searched("grain")
    second, second_statements = searched("grain")

    assert (first_statements, second_statements) == (1, 0)
    assert titles(second) == titles(first) == ["Grain corridor"]
    assert second.total == first.total == 1
    assert [(g.param, [(o.value, o.count) for o in g.options]) for g in second.facets] == [
        (g.param, [(o.value, o.count) for o in g.options]) for g in first.facets
    ]


def test_each_query_filter_sort_and_page_has_its_own_answer():
    aid = TopicFactory(slug="aid")
    PublicationFactory.create_batch(3, title="Grain corridor", topics=[aid])
    searched("grain")
    variants = [
        {"query": "corridor"},
        {"query": "grain", "filters": Filters(topic=aid.pk)},
        {"query": "grain", "sort": "date"},
        {"query": "grain", "page": 2, "per_page": 2},
    ]
    for variant in variants:
        assert searched(**variant)[1] == 1, variant


def test_a_new_publication_is_found_on_the_next_search():
    PublicationFactory(title="Grain corridor")
    assert searched("grain")[0].total == 1
    PublicationFactory(title="Grain exports")
    results, ran = searched("grain")
    assert (results.total, ran) == (2, 1)


def test_a_text_edit_is_searchable_at_once():
    publication = PublicationFactory(title="Grain corridor")
    assert searched("fertiliser")[0].total == 0
    publication.title = "Grain and fertiliser corridor"
    publication.save()
    assert titles(searched("fertiliser")[0]) == ["Grain and fertiliser corridor"]


def test_an_unpublished_publication_leaves_the_results_at_once():
    publication = PublicationFactory(title="Grain corridor")
    PublicationFactory(title="Grain exports")
    assert searched("grain")[0].total == 2
    publication.status = Publication.Status.UNPUBLISHED
    publication.save()
    results = searched("grain")[0]
    assert (results.total, titles(results)) == (1, ["Grain exports"])


def test_a_publication_withdrawn_without_signals_is_never_shown():
    publication = PublicationFactory(title="Grain corridor")
    assert titles(searched("grain")[0]) == ["Grain corridor"]
    # A bulk update sends no signal, so the cached answer is kept; its hits are checked anyway.
    Publication.objects.filter(pk=publication.pk).update(status=Publication.Status.DRAFT)
    assert titles(searched("grain")[0]) == []


def test_a_scheduled_publication_is_found_from_its_time():
    now = timezone.now()
    PublicationFactory(title="Grain corridor", published_at=now - timedelta(hours=1))
    PublicationFactory(title="Grain exports", published_at=now + timedelta(minutes=10))

    with mock.patch("django.utils.timezone.now", return_value=now):
        assert searched("grain")[0].total == 1
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(minutes=9)):
        assert searched("grain")[0].total == 1
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(minutes=10)):
        results, ran = searched("grain")
    assert (results.total, ran) == (2, 1)


def test_searches_work_while_the_cache_is_down(client, cache_down):
    PublicationFactory(title="Grain corridor")
    with cache_down():
        response = client.get(URL, {"q": "grain"})
    assert response.status_code == 200
    assert response.context["results"].total == 1


def test_switched_off_every_search_runs_its_statement(settings):
    settings.DATA_CACHE_ENABLED = False
    PublicationFactory(title="Grain corridor")
    assert [searched("grain")[1] for _ in range(2)] == [1, 1]


def test_a_synonym_can_be_saved_while_the_cache_is_down(cache_down):
    PublicationFactory(title="Pyongyang talks")
    with cache_down():
        Synonym.objects.create(terms="DPRK, Pyongyang")
        assert searched("dprk")[0].total == 1
    assert searched("dprk")[0].total == 1


def test_a_new_synonym_applies_to_the_next_search():
    PublicationFactory(title="Pyongyang talks")
    assert searched("dprk")[0].total == 0
    Synonym.objects.create(terms="DPRK, Pyongyang")
    results, ran = searched("dprk")
    assert (results.total, ran) == (1, 1)
