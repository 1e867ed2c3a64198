"""The search API: matching, query language, ranking, sorting, visibility."""

from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.utils import timezone

from policyhub.search import engine, search
from policyhub.search.documents import visible_documents
from policyhub.search.facets import Filters
from policyhub.search.models import Synonym
from publications.models import Publication
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    results = search(query, **kwargs)
    return [hit.title.replace("<mark>", "").replace("</mark>", "") for hit in results.page]


def test_all_words_must_match():
    PublicationFactory(title="Sanctions relief for farmers")
    PublicationFactory(title="Sanctions on shipping")
    assert titles("sanctions relief") == ["Sanctions relief for farmers"]


def test_searches_publications_options_and_people():
    PolicyOptionFactory(title="Open humanitarian corridors")
    ann = PersonFactory(name="Ann Humanitarian")
    PublicationFactory(title="Humanitarian corridors explained", authors=[ann])
    results = search("humanitarian")
    assert {hit.kind for hit in results.page} == {"publication", "option", "person"}
    assert results.total == 3


def test_title_outranks_summary_which_outranks_body():
    body = PublicationFactory(
        title="Alpha", summary="Plain words.", body="<p>Notes on reunification.</p>"
    )
    summary = PublicationFactory(title="Beta", summary="On reunification.", body="<p>x</p>")
    title = PublicationFactory(title="Reunification", summary="Plain words.", body="<p>x</p>")
    assert titles("reunification") == [title.title, summary.title, body.title]


def test_every_query_word_counts_towards_the_rank():
    both = PublicationFactory(title="Grain corridor", summary="Plain.", body="<p>x</p>")
    one = PublicationFactory(title="Grain", summary="Plain.", body="<p>the corridor</p>")
    neither = PublicationFactory(title="Notes", summary="Plain.", body="<p>grain corridor</p>")
    assert titles("grain corridor") == [both.title, one.title, neither.title]
    assert titles("corridor grain") == [both.title, one.title, neither.title]


def test_tag_and_author_matches_outrank_body_matches():
    body = PublicationFactory(title="One", summary="Plain.", body="<p>about Kimura here</p>")
    author = PublicationFactory(
        title="Two", summary="Plain.", authors=[PersonFactory(name="Hana Kimura")]
    )
    tagged = PublicationFactory(title="Three", summary="Plain.", tags=["famine"])
    famine_body = PublicationFactory(title="Four", summary="Plain.", body="<p>the famine</p>")
    publications = Filters(kind="publication")
    assert titles("kimura", filters=publications) == [author.title, body.title]
    assert titles("famine") == [tagged.title, famine_body.title]


def test_quoted_phrase_needs_the_words_together():
    PublicationFactory(title="Peace regime talks")
    PublicationFactory(title="Regime change and peace")
    assert titles('"peace regime"') == ["Peace regime talks"]


def test_exclusion_leaves_out_matches():
    PublicationFactory(title="Food aid deliveries")
    PublicationFactory(title="Food security outlook")
    assert titles("food -aid") == ["Food security outlook"]
    assert titles('food -"security outlook"') == ["Food aid deliveries"]


def test_or_matches_either_word():
    PublicationFactory(title="Pyongyang diary")
    PublicationFactory(title="Seoul diary")
    PublicationFactory(title="Tokyo diary")
    assert sorted(titles("Pyongyang OR Seoul")) == ["Pyongyang diary", "Seoul diary"]


def test_english_stemming():
    PublicationFactory(title="A new policy for the region")
    assert titles("policies") == ["A new policy for the region"]


def test_synonyms_from_the_admin_apply_to_queries():
    PublicationFactory(title="North Korea and the talks")
    assert titles("DPRK") == []
    Synonym.objects.create(terms="DPRK, North Korea")
    assert titles("DPRK") == ["North Korea and the talks"]


def test_synonym_cache_is_invalidated_on_delete():
    PublicationFactory(title="North Korea and the talks")
    synonym = Synonym.objects.create(terms="DPRK, North Korea")
    assert titles("DPRK")
    synonym.delete()
    assert titles("DPRK") == []


def test_drafts_and_scheduled_items_are_never_found():
    PublicationFactory(title="Hidden draft memo", draft=True)
    PublicationFactory(title="Hidden scheduled memo", scheduled=True)
    PolicyOptionFactory(title="Hidden draft option memo", draft=True)
    PolicyOptionFactory(title="Hidden scheduled option memo", scheduled=True)
    PublicationFactory(title="Visible memo")
    results = search("memo")
    assert titles("memo") == ["Visible memo"]
    assert results.total == 1


def test_scheduled_item_appears_when_its_time_passes_without_reindexing():
    scheduled = PublicationFactory(title="Embargoed report", scheduled=True)
    assert titles("embargoed") == []
    # No save, no signal, no cron: the publish time is moved into the past with update(),
    # as if the clock had passed it.
    past = timezone.now() - timedelta(minutes=1)
    Publication.objects.filter(pk=scheduled.pk).update(published_at=past)
    assert titles("embargoed") == ["Embargoed report"]


def test_scheduled_item_appears_when_the_clock_passes_its_time(monkeypatch):
    PublicationFactory(title="Embargoed report", scheduled=True)
    assert titles("embargoed") == []
    later = timezone.now() + timedelta(days=8)
    monkeypatch.setattr("policyhub.search.engine.timezone.now", lambda: later)
    assert titles("embargoed") == ["Embargoed report"]


def test_sort_by_date_puts_newest_first():
    now = timezone.now()
    PublicationFactory(title="Famine", published_at=now - timedelta(days=30))
    PublicationFactory(title="New", body="<p>famine</p>", published_at=now - timedelta(days=1))
    PublicationFactory(title="Mid", body="<p>famine</p>", published_at=now - timedelta(days=9))
    assert titles("famine", sort="date") == ["New", "Mid", "Famine"]
    assert titles("famine")[0] == "Famine"


def test_pages_of_twenty_and_past_the_end_raises():
    for number in range(25):
        PublicationFactory(title=f"Drought bulletin {number}")
    first, second = search("drought"), search("drought", page=2)
    assert (first.total, len(first.page), len(second.page)) == (25, 20, 5)
    seen = {hit.url for hit in first.page} | {hit.url for hit in second.page}
    assert len(seen) == 25
    with pytest.raises(EmptyPage):
        search("drought", page=3)


def test_filters_combine_with_the_query():
    energy = TopicFactory(name="Energy")
    PublicationFactory(title="Grid report", topics=[energy])
    PublicationFactory(title="Grid memo")
    PolicyOptionFactory(title="Grid option")
    assert titles("grid", filters=Filters(topic=energy.pk)) == ["Grid report"]
    assert titles("grid", filters=Filters(kind="option")) == ["Grid option"]


def test_option_regions_come_from_its_question():
    from tests.factories import RegionFactory

    asia = RegionFactory(name="Asia")
    korea = RegionFactory(name="Korea", parent=asia)
    question = PolicyQuestionFactory()
    question.regions.set([korea])
    PolicyOptionFactory(title="Railway links", question=question)
    PolicyOptionFactory(title="Railway gauges")
    assert titles("railway", filters=Filters(region=asia.pk)) == ["Railway links"]


def test_empty_query_runs_nothing():
    PublicationFactory(title="Anything")
    results = search('  "" - OR ')
    assert results.is_empty_query
    assert results.page is None


def test_the_visibility_clause_is_compiled_once_and_takes_each_moment():
    engine._compiled_visibility.clear()
    for moment in (timezone.now(), timezone.now() + timedelta(days=3, microseconds=7)):
        query = visible_documents(moment).query
        expected = query.get_compiler(connection=connection).compile(query.where)
        assert engine.visibility_sql(moment) == (expected[0], list(expected[1]))
    assert len(engine._compiled_visibility) == 1
