"""Large match sets: ranking bounded to the newest matches, sampled counts, the status copy kept
by database triggers (bench/README.md). Limits are lowered so that a few
documents stand for tens of thousands."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from policyhub.search import search, triggers
from policyhub.search.indexing import rebuild
from policyhub.search.models import SearchDocument
from publications.models import Authorship, Publication
from tests.factories import PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def titles(results):
    return [hit.title.replace("<mark>", "").replace("</mark>", "") for hit in results.page]


def every_title(query, sort="relevance"):
    results, found, page = search(query, sort=sort, per_page=2), [], 1
    while True:
        found += titles(results)
        if not results.page.has_next():
            return found
        page += 1
        results = search(query, sort=sort, page=page, per_page=2)


@pytest.fixture
def harbours():
    """Five matches, one a day apart; the oldest has the word in its title (the best match)."""
    now = timezone.now()
    made = {}
    for age, title, body in [
        (5, "Harbour dues", "x"),
        (4, "Four", "harbour"),
        (3, "Three", "harbour harbour"),
        (2, "Two", "harbour"),
        (1, "One", "harbour harbour harbour"),
    ]:
        made[title] = PublicationFactory(
            title=title,
            summary="Plain.",
            body=f"<p>{body}</p>",
            published_at=now - timedelta(days=age),
        )
    PublicationFactory(title="Harbour draft", draft=True)
    PublicationFactory(title="Harbour scheduled", scheduled=True)
    return made


def author_of(publication, name):
    # A person is found once they are an author of a published publication.
    Authorship.objects.create(publication=publication, person=PersonFactory(name=name))


def test_small_match_sets_rank_every_match(harbours):
    results = search("harbour")
    assert results.total == 5
    assert results.ranked_newest == 0
    assert titles(results)[0] == "Harbour dues"


def test_past_the_limit_only_the_newest_are_ranked_then_older_by_date(harbours, monkeypatch):
    monkeypatch.setattr("policyhub.search.engine.RANKED", 3)
    results = search("harbour")
    assert results.total == 5  # exact, drafts and scheduled left out
    assert results.ranked_newest == 3
    # The three newest by score (three occurrences, two, one), then the rest newest first.
    assert every_title("harbour") == ["One", "Three", "Two", "Four", "Harbour dues"]


def test_capped_ranking_pages_cover_every_match_once(harbours, monkeypatch):
    monkeypatch.setattr("policyhub.search.engine.RANKED", 2)
    found = every_title("harbour")
    assert sorted(found) == sorted(harbours)
    assert every_title("harbour", sort="date") == ["One", "Two", "Three", "Four", "Harbour dues"]


def test_undated_documents_are_always_among_the_ranked(harbours, monkeypatch):
    monkeypatch.setattr("policyhub.search.engine.RANKED", 2)
    author_of(harbours["Harbour dues"], "Harbour Master")
    found = every_title("harbour")
    # Ranked with the newest dated match (their order is bm25's), not left last as undated.
    assert set(found[:2]) == {"Harbour Master", "One"}
    assert found[2:] == ["Two", "Three", "Four", "Harbour dues"]


def test_past_the_sample_counts_are_estimated_but_total_and_kinds_exact(harbours, monkeypatch):
    author_of(harbours["Harbour dues"], "Harbour Master")
    monkeypatch.setattr("policyhub.search.engine.FACET_SAMPLE", 2)
    results = search("harbour")
    assert results.total == 6
    groups = {group.param: group for group in results.facets}
    assert {o.value: o.count for o in groups["kind"].options} == {"publication": 5, "person": 1}
    assert not groups["kind"].approximate
    assert groups["year"].approximate
    monkeypatch.undo()
    groups = {group.param: group for group in search("harbour").facets}
    assert not groups["year"].approximate
    assert sum(o.count for o in groups["year"].options) == 5


def test_update_that_unpublishes_hides_at_once(harbours):
    # QuerySet.update() sends no signal: the database trigger carries the status across.
    Publication.objects.filter(pk=harbours["Harbour dues"].pk).update(
        status=Publication.Status.DRAFT
    )
    results = search("harbour")
    assert "Harbour dues" not in titles(results)
    assert results.total == 4


def test_update_that_publishes_or_reschedules_shows_or_hides_at_once(harbours):
    Publication.objects.filter(title="Harbour draft").update(
        status=Publication.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1)
    )
    Publication.objects.filter(pk=harbours["One"].pk).update(
        published_at=timezone.now() + timedelta(days=3)
    )
    found = every_title("harbour")
    assert "Harbour draft" in found
    assert "One" not in found
    assert search("harbour").total == 5


def test_raw_delete_hides_the_document():
    publication = PublicationFactory(title="Harbour closure")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM publications_publication WHERE id = %s", [publication.pk])
    assert search("harbour").total == 0


def test_a_missing_trigger_still_cannot_show_a_draft(harbours):
    with connection.cursor() as cursor:
        for name in triggers.SQLITE:
            on = f" ON {triggers.PUBLICATIONS}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER {name}{on}")
    assert triggers.installed(connection) == set()
    Publication.objects.filter(pk=harbours["One"].pk).update(status=Publication.Status.DRAFT)
    # The stale copy still counts it, but the page is checked against the publication itself.
    assert "One" not in every_title("harbour")
    triggers.ensure(connection)  # what every migrate does (post_migrate)
    assert triggers.installed(connection) == set(triggers.SQLITE)
    assert search("harbour").total == 4


@pytest.mark.parametrize("rebuilt", [False, True])
def test_triggers_are_installed_and_copies_match(harbours, rebuilt):
    if rebuilt:
        rebuild(progress=True)  # the bulk path reads plain rows, not model instances
    assert triggers.installed(connection) == set(triggers.SQLITE)
    assert SearchDocument.objects.filter(kind="publication").count() == 7
    for document in SearchDocument.objects.filter(kind="publication"):
        publication = Publication.objects.get(pk=document.object_id)
        assert (document.status, document.published_at) == (
            publication.status,
            publication.published_at,
        )


def test_the_page_says_when_ranking_was_limited(harbours, monkeypatch, client):
    page = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "sorted by relevance; older ones follow" not in page
    monkeypatch.setattr("policyhub.search.engine.RANKED", 3)
    page = client.get("/search/", {"q": "harbour"}).content.decode()
    assert "The newest 3 results are sorted by relevance; older ones follow" in page
    page = client.get("/search/", {"q": "harbour", "sort": "date"}).content.decode()
    assert "sorted by relevance; older ones follow" not in page
