"""Data computed from published content and cached (publications/datacache.py, stored by
policyhub/cache.py): the list's facet counts, the home page's topic counts, related publications.
Exact after any edit and when a scheduled publication goes live."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    TopicFactory,
)
from tests.publications.listing import LIST_URL, facet
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_cache_on(settings):
    settings.DATA_CACHE_ENABLED = True


def without_nonces(response):
    return re.sub(rb'nonce="[^"]*"', b"", response.content)


def get(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params or {})
    return response, len(queries)


def test_repeated_requests_reuse_the_counts(client):
    topic = TopicFactory(slug="aid")
    PublicationFactory.create_batch(2, topics=[topic])

    first, first_queries = get(client)
    second, second_queries = get(client)

    assert facet(second, "topic") == facet(first, "topic") == {"aid": 2}
    # At least the seven facet queries (two for regions) are saved; the list itself still runs.
    assert second_queries <= first_queries - 7


def test_the_same_filters_share_counts_whatever_else_is_in_the_query(client):
    PublicationFactory.create_batch(21, topics=[TopicFactory(slug="aid")])
    get(client, {"topic": "aid"})
    _, queries = get(client, {"topic": "aid", "page": "2", "utm_source": "x"})
    _, other_filter = get(client, {"topic": "aid", "year": "2020"})
    # ?year=2020 is a different set of counts, computed afresh.
    assert other_filter > queries


def test_each_filter_combination_has_its_own_counts(client):
    aid, trade = TopicFactory(slug="aid"), TopicFactory(slug="trade")
    kind = PublicationTypeFactory(slug="report", name="Report")
    PublicationFactory(topics=[aid], publication_type=kind)
    PublicationFactory(topics=[trade])

    assert facet(client.get(LIST_URL), "type")[kind.slug] == 1
    assert sum(facet(client.get(LIST_URL), "type").values()) == 2
    assert facet(client.get(LIST_URL, {"topic": "trade"}), "type").get("report") is None
    assert facet(client.get(LIST_URL, {"topic": "aid"}), "type") == {"report": 1}


def test_an_edit_changes_the_counts_on_the_next_request(client):
    aid = TopicFactory(slug="aid")
    publication = PublicationFactory(topics=[aid], tags=["food"])
    assert facet(client.get(LIST_URL), "tag") == {"food": 1}

    publication.tags.add("trade")  # an m2m change
    assert facet(client.get(LIST_URL), "tag") == {"food": 1, "trade": 1}

    PublicationFactory(topics=[aid])  # a new publication
    assert facet(client.get(LIST_URL), "topic") == {"aid": 2}

    publication.unpublish()  # a status change
    assert facet(client.get(LIST_URL), "topic") == {"aid": 1}
    assert facet(client.get(LIST_URL), "tag") == {}


def test_a_renamed_topic_shows_its_new_name(client):
    aid = TopicFactory(slug="aid", name="Aid")
    PublicationFactory(topics=[aid])
    client.get(LIST_URL)
    aid.name = "Humanitarian aid"
    aid.save()
    names = [
        option.name
        for facet in client.get(LIST_URL).context["facets"]
        if facet.param == "topic"
        for option in facet.options
    ]
    assert names == ["Humanitarian aid"]


def test_a_scheduled_publication_is_counted_from_its_time(client):
    now = timezone.now()
    aid = TopicFactory(slug="aid")
    PublicationFactory(topics=[aid], published_at=now - timedelta(hours=1))
    PublicationFactory(topics=[aid], published_at=now + timedelta(minutes=10))

    with mock.patch("django.utils.timezone.now", return_value=now):
        assert facet(client.get(LIST_URL), "topic") == {"aid": 1}
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(minutes=9)):
        _, queries = get(client)
        assert facet(client.get(LIST_URL), "topic") == {"aid": 1}
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(minutes=10)):
        response, fresh_queries = get(client)
        assert facet(response, "topic") == {"aid": 2}
    assert fresh_queries > queries


def test_counts_are_computed_when_the_cache_is_down(client, cache_down):
    PublicationFactory(topics=[TopicFactory(slug="aid")])
    with cache_down():
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert facet(response, "topic") == {"aid": 1}


def test_switched_off_every_request_counts(client, settings):
    settings.DATA_CACHE_ENABLED = False
    PublicationFactory()
    _, first = get(client)
    _, second = get(client)
    assert first == second


# The year facet, computed by SQLite itself in the site's time zone ---------------------------


@pytest.mark.parametrize(
    ("zone", "moment", "year"),
    [
        ("UTC", datetime(2020, 12, 31, 23, 59, tzinfo=UTC), 2020),
        ("UTC", datetime(2021, 1, 1, 0, 0, tzinfo=UTC), 2021),
        # Already 2021 in Auckland (UTC+13 in January), still 2020 in New York (UTC-5).
        ("Pacific/Auckland", datetime(2020, 12, 31, 11, 0, tzinfo=UTC), 2021),
        ("Pacific/Auckland", datetime(2020, 12, 31, 10, 59, tzinfo=UTC), 2020),
        ("America/New_York", datetime(2021, 1, 1, 4, 59, tzinfo=UTC), 2020),
        ("America/New_York", datetime(2021, 1, 1, 5, 0, tzinfo=UTC), 2021),
        # Summer time in July does not move a publication into another year.
        ("Pacific/Auckland", datetime(2020, 7, 1, 12, 0, tzinfo=UTC), 2020),
    ],
)
def test_year_facet_counts_in_the_site_time_zone(client, settings, zone, moment, year):
    settings.TIME_ZONE = zone
    PublicationFactory(published_at=moment)
    assert facet(client.get(LIST_URL), "year") == {str(year): 1}


@pytest.mark.parametrize(
    ("zone", "moment", "year"),
    [
        # New York kept war time (UTC-4) through the winters of 1943 to 1945.
        ("America/New_York", datetime(1943, 1, 1, 4, 30, tzinfo=UTC), 1943),
        ("America/New_York", datetime(1943, 1, 1, 3, 59, tzinfo=UTC), 1942),
        ("America/New_York", datetime(1946, 1, 1, 4, 30, tzinfo=UTC), 1945),
        # Moscow: UTC+4 on 1 January 2012, UTC+3 from 2015.
        ("Europe/Moscow", datetime(2011, 12, 31, 20, 30, tzinfo=UTC), 2012),
        ("Europe/Moscow", datetime(2015, 12, 31, 20, 30, tzinfo=UTC), 2015),
        ("Europe/Moscow", datetime(2015, 12, 31, 21, 0, tzinfo=UTC), 2016),
    ],
)
def test_year_facet_in_years_whose_new_year_offset_was_unusual(
    client, settings, zone, moment, year
):
    settings.TIME_ZONE = zone
    PublicationFactory(published_at=moment)
    assert facet(client.get(LIST_URL), "year") == {str(year): 1}


def test_home_topic_counts_follow_an_edit(client):
    aid = TopicFactory(slug="aid", name="Aid")
    PublicationFactory(topics=[aid])
    client.get(reverse("home"))
    PublicationFactory(topics=[aid])
    topics = client.get(reverse("home")).context["topics"]
    assert [(row["slug"], row["count"]) for row in topics] == [("aid", 2)]


def test_related_publications_follow_an_edit(client):
    publication = PublicationFactory(tags=["sanctions"])
    PublicationFactory(title="Neighbour", tags=["sanctions"])
    url = publication.get_absolute_url()
    assert [p.title for p in client.get(url).context["related_publications"]] == ["Neighbour"]

    PublicationFactory(title="Newer neighbour", tags=["sanctions"])
    related = client.get(url).context["related_publications"]
    assert [p.title for p in related] == ["Newer neighbour", "Neighbour"]
    assert related[0].reason == "shares tag: sanctions"


def test_option_facet_counts_follow_an_edit(client):
    from tests.factories import PolicyOptionFactory

    first = PolicyOptionFactory()
    url = reverse("options:list")

    def tracks(response):
        return {
            v[0]: v[2] for f in response.context["facets"] if f.name == "track" for v in f.values
        }

    assert sum(tracks(client.get(url)).values()) == 1
    PolicyOptionFactory(track=first.track, question=first.question)
    assert sum(tracks(client.get(url)).values()) == 2
    # A different filter combination is counted on its own.
    assert sum(tracks(client.get(url, {"track": first.track.slug})).values()) == 2


def test_a_repeated_detail_page_reads_only_whether_it_is_published(client):
    publication = PublicationFactory(tags=["sanctions"], topics=[TopicFactory()])
    url = publication.get_absolute_url()
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    # Each response has its own CSP nonce; everything else is the same.
    assert without_nonces(second) == without_nonces(first)
    assert len(queries) == 1


def test_a_detail_page_shows_an_edit_at_once(client):
    publication = PublicationFactory(title="Before the edit", tags=["sanctions"])
    url = publication.get_absolute_url()
    client.get(url)
    publication.title = "After the edit"
    publication.save()
    assert b"After the edit" in client.get(url).content
    publication.tags.add("trade")
    assert b"trade" in client.get(url).content


def test_a_detail_page_withdrawn_without_signals_is_gone_at_once(client):
    publication = PublicationFactory(title="Withdrawn")
    url = publication.get_absolute_url()
    assert client.get(url).status_code == 200
    # A bulk update sends no signal, so no cached value is retired; the page still asks.
    type(publication).objects.filter(pk=publication.pk).update(status="draft")
    assert client.get(url).status_code == 404


def test_list_totals_are_kept_and_follow_an_edit(client):
    aid = TopicFactory(slug="aid")
    PublicationFactory.create_batch(2, topics=[aid])
    for url in (LIST_URL, f"{LIST_URL}?topic=aid", aid.get_absolute_url()):
        assert client.get(url).context["paginator"].count == 2
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).context["paginator"].count == 2
        assert not [q for q in queries if "COUNT(" in q["sql"].upper()]

    PublicationFactory(topics=[aid])
    for url in (LIST_URL, f"{LIST_URL}?topic=aid", aid.get_absolute_url()):
        assert client.get(url).context["paginator"].count == 3


def test_each_filter_and_subject_has_its_own_total(client):
    aid, trade = TopicFactory(slug="aid"), TopicFactory(slug="trade")
    PublicationFactory.create_batch(2, topics=[aid])
    PublicationFactory(topics=[trade])
    assert client.get(LIST_URL).context["paginator"].count == 3
    assert client.get(f"{LIST_URL}?topic=trade").context["paginator"].count == 1
    assert client.get(aid.get_absolute_url()).context["paginator"].count == 2
    assert client.get(trade.get_absolute_url()).context["paginator"].count == 1


# Counts are kept across edits of a publication's text -----------------------------------------


def facet_queries(client, url=LIST_URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    grouped = [q for q in queries if "GROUP BY" in q["sql"] or "COUNT(" in q["sql"].upper()]
    return response, len(grouped)


def test_a_text_edit_keeps_the_counts_and_shows_the_new_text(client):
    aid = TopicFactory(slug="aid")
    publication = PublicationFactory(title="Old title", topics=[aid], tags=["food"])
    facet_queries(client)
    publication.title = "New title"
    publication.summary = "A new summary."
    publication.save()
    response, counted = facet_queries(client)
    assert counted == 0
    assert facet(response, "topic") == {"aid": 1}
    assert b"New title" in response.content and b"Old title" not in response.content


@pytest.mark.parametrize(
    "change",
    [
        lambda p: setattr(p, "status", "unpublished"),
        lambda p: setattr(p, "published_at", timezone.now() + timedelta(days=1)),
        lambda p: setattr(
            p, "publication_type", PublicationTypeFactory(slug="brief", name="Brief")
        ),
    ],
    ids=["status", "publish-time", "type"],
)
def test_an_edit_of_anything_counted_recounts(client, change):
    aid = TopicFactory(slug="aid")
    publication = PublicationFactory(topics=[aid])
    PublicationFactory(topics=[aid])
    facet_queries(client)
    change(publication)
    publication.save()
    response, counted = facet_queries(client)
    assert counted > 0


def test_a_save_of_a_partly_loaded_publication_recounts(client):
    publication = PublicationFactory(topics=[TopicFactory(slug="aid")])
    facet_queries(client)
    partial = type(publication).objects.only("pk", "title").get(pk=publication.pk)
    partial.title = "Only the title loaded"
    partial.save()
    assert facet_queries(client)[1] > 0


def test_unpublishing_through_the_workflow_recounts_at_once(client):
    aid = TopicFactory(slug="aid")
    publication = PublicationFactory(topics=[aid])
    PublicationFactory(topics=[aid])
    assert facet(client.get(LIST_URL), "topic") == {"aid": 2}
    type(publication).objects.get(pk=publication.pk).unpublish()
    response = client.get(LIST_URL)
    assert facet(response, "topic") == {"aid": 1}
    assert response.context["paginator"].count == 1


def test_a_text_edit_in_the_admin_keeps_the_counts(admin_client):
    from django.test import Client

    from tests.admin_forms import change_form_data

    reader = Client()
    aid = TopicFactory(slug="aid")
    publication = PublicationFactory(
        title="Old title",
        topics=[aid],
        tags=["food", "trade"],
        authors=[PersonFactory()],
        # The admin's form edits whole seconds: a time with microseconds would be changed
        # by the save, and so recounted.
        published_at=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
    )
    facet_queries(reader)
    url, data = change_form_data(admin_client, publication)
    data["title"] = "New title"
    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302
    response, counted = facet_queries(reader)
    assert b"New title" in response.content
    assert counted == 0


def test_related_ranking_survives_a_text_edit_and_follows_a_tag_change(client):
    publication = PublicationFactory(tags=["sanctions"])
    neighbour = PublicationFactory(title="Neighbour", tags=["sanctions"])
    url = publication.get_absolute_url()
    client.get(url)

    neighbour.title = "Renamed neighbour"
    neighbour.save()
    with CaptureQueriesContext(connection) as queries:
        related = client.get(url).context["related_publications"]
    assert [p.title for p in related] == ["Renamed neighbour"]
    assert not [q for q in queries if "GROUP BY" in q["sql"]]  # not ranked again

    PublicationFactory(title="Newer neighbour", tags=["sanctions"])
    publication.tags.add("trade")
    related = client.get(url).context["related_publications"]
    assert [p.title for p in related] == ["Newer neighbour", "Renamed neighbour"]

    neighbour.unpublish()
    related = client.get(url).context["related_publications"]
    assert [p.title for p in related] == ["Newer neighbour"]


def test_the_article_is_rendered_once_per_version_and_site_address(client, settings):
    from publications import views

    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.org"]
    publication = PublicationFactory(title="Kept article")
    url = publication.get_absolute_url()
    with mock.patch.object(views, "render_article", wraps=views.render_article) as render:
        client.get(url)
        client.get(url)
        assert render.call_count == 1
        mirror = client.get(url, HTTP_HOST="mirror.example.org").content.decode()
        assert render.call_count == 2
    # The citations name the address the reader used.
    assert f"http://mirror.example.org{url}" in mirror
    assert f"http://testserver{url}" not in mirror


def test_a_preview_renders_its_article_every_time(admin_client):
    from publications import views

    draft = PublicationFactory(title="Draft article", draft=True)
    url = reverse("publications:preview", args=[draft.pk])
    with mock.patch.object(views, "render_article", wraps=views.render_article) as render:
        assert admin_client.get(url).status_code == 200
        admin_client.get(url)
    assert render.call_count == 2
