"""Facet counts over every published publication, counted as all less the hidden ones
(``count_published_by``): the same numbers ``published().count_by()`` gives."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from publications.forms import PublicationFilterForm
from publications.models import Publication
from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

RELATIONS = ("publication_type", "topics", "tags", "authors")


@pytest.fixture
def mixed_content():
    """Published, draft, in review, unpublished, scheduled and timeless publications sharing and
    not sharing values."""
    brief = PublicationTypeFactory(name="Brief", slug="brief")
    report = PublicationTypeFactory(name="Report", slug="report")
    aid, trade = TopicFactory(name="Aid", slug="aid"), TopicFactory(name="Trade", slug="trade")
    secret = TopicFactory()
    ana, li, hidden_author = PersonFactory(), PersonFactory(), PersonFactory()
    for _ in range(3):
        PublicationFactory(publication_type=brief, topics=[aid], authors=[ana], tags=["grain"])
    PublicationFactory(publication_type=report, topics=[aid, trade], authors=[li], tags=["aid"])
    hidden = [
        PublicationFactory(draft=True),
        PublicationFactory(in_review=True),
        PublicationFactory(scheduled=True),
        PublicationFactory(status=Publication.Status.UNPUBLISHED),
    ]
    timeless = PublicationFactory()
    hidden.append(timeless)
    for item in hidden:
        item.publication_type = report
        item.save()
        item.topics.add(aid, secret)
        item.tags.add("grain", "embargoed")
        item.authorships.create(person=hidden_author, order=1)
    # Published without a publish time: only a script could store it (save() stamps one).
    Publication.objects.filter(pk=timeless.pk).update(published_at=None)
    return {"secret": secret, "hidden_author": hidden_author}


@pytest.mark.parametrize("relation", RELATIONS)
def test_same_counts_as_counting_the_published_ones(mixed_content, relation):
    now = timezone.now()
    expected = Publication.objects.published(at=now).count_by(relation)
    assert Publication.objects.count_published_by(relation, at=now) == expected
    assert expected  # the fixture gives every relation published values


def test_values_only_hidden_publications_use_are_left_out(mixed_content):
    topics = {row["slug"] for row in Publication.objects.count_published_by("topics")}
    tags = {row["slug"] for row in Publication.objects.count_published_by("tags")}
    authors = {row["slug"] for row in Publication.objects.count_published_by("authors")}
    assert mixed_content["secret"].slug not in topics
    assert "embargoed" not in tags
    assert mixed_content["hidden_author"].slug not in authors
    counts = {row["slug"]: row["count"] for row in Publication.objects.count_published_by("tags")}
    assert counts == {"grain": 3, "aid": 1}


def test_a_scheduled_publication_counts_once_its_time_has_come(mixed_content):
    later = timezone.now() + timedelta(days=8)  # the factory schedules 7 days ahead
    counts = {r["slug"]: r["count"] for r in Publication.objects.count_published_by("tags", later)}
    assert counts["embargoed"] == 1
    assert counts == {
        row["slug"]: row["count"]
        for row in Publication.objects.published(at=later).count_by("tags")
    }


def test_regions_count_sub_regions_once_and_leave_hidden_publications_out():
    asia = RegionFactory(name="Asia", slug="asia")
    korea = RegionFactory(name="North Korea", slug="north-korea", parent=asia)
    japan = RegionFactory(name="Japan", slug="japan", parent=asia)
    europe = RegionFactory(name="Europe", slug="europe")
    PublicationFactory(regions=[asia, korea])
    PublicationFactory(regions=[korea])
    PublicationFactory(regions=[asia])
    PublicationFactory(regions=[europe])
    PublicationFactory(regions=[korea, japan], draft=True)
    PublicationFactory(regions=[japan], scheduled=True)
    PublicationFactory(regions=[asia], status=Publication.Status.UNPUBLISHED)

    now = timezone.now()
    counts = Publication.objects.count_published_by_region(at=now)

    assert {row["slug"]: row["count"] for row in counts} == {
        "asia": 3,
        "north-korea": 2,
        "europe": 1,
    }
    assert counts == Publication.objects.published(at=now).count_by_region()


def test_refuses_a_filtered_queryset():
    with pytest.raises(ValueError, match="whole table"):
        Publication.objects.published().count_published_by("topics")
    with pytest.raises(ValueError, match="whole table"):
        Publication.objects.filter(slug="a").count_published_by_region()


def test_facets_count_this_way_only_over_every_published_publication(mixed_content):
    def facet_sql(params):
        form = PublicationFilterForm(params)
        assert form.is_valid()
        with CaptureQueriesContext(connection) as captured:
            form.facet_counts()
        return [query["sql"] for query in captured.captured_queries]

    def complement_counts(params):
        return sum("UNION ALL" in sql for sql in facet_sql(params))

    assert complement_counts({}) == 4  # topic, region, tag, author
    # Each facet counts with its own filter off: only the topic facet sees every publication.
    assert complement_counts({"topic": "aid"}) == 1


def test_list_page_facets_match_with_and_without_filters(client, mixed_content):
    def facet(params, param):
        response = client.get(reverse("publications:list"), params)
        return {
            option.slug: option.count
            for facet in response.context["facets"]
            if facet.param == param
            for option in facet.options
        }

    assert facet({}, "topic") == {"aid": 4, "trade": 1}
    assert facet({}, "type") == {"brief": 3, "report": 1}
    assert facet({"type": "report"}, "topic") == {"aid": 1, "trade": 1}


@pytest.mark.infrastructure
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plan")
def test_sqlite_counts_types_from_the_covering_index_not_row_by_row(mixed_content):
    with CaptureQueriesContext(connection) as captured:
        Publication.objects.published().count_by("publication_type")
    with connection.cursor() as cursor:
        # The statistics of 100,000 publications (bench/): at that size the planner walked
        # the type index to group without sorting, and read every row for its status.
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'publications_publication'")
        cursor.executemany(
            "INSERT INTO sqlite_stat1 VALUES ('publications_publication', %s, %s)",
            [
                ("publication_status_time_type", "100000 50000 1 1"),
                ("publication_visibility", "100000 1 1 1"),
                ("publications_publication_publication_type_id_94b72d02", "100000 16667"),
                ("sqlite_autoindex_publications_publication_1", "100000 1"),
            ],
        )
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics
        cursor.execute(f"EXPLAIN QUERY PLAN {captured.captured_queries[-1]['sql']}")
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    assert "COVERING INDEX publication_status_time_type" in plan, plan


def test_counts_are_integers(mixed_content):
    # PostgreSQL's SUM of counts is a numeric: cast back, so a count is an int everywhere.
    for relation in ("topics", "tags", "authors"):
        counts = Publication.objects.count_published_by(relation)
        assert all(type(row["count"]) is int for row in counts)
    regions = Publication.objects.count_published_by_region()
    assert all(type(row["count"]) is int for row in regions)
