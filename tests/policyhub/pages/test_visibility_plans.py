"""Reader pages test a target's visibility on the row their join loads. Written as
``publication__in=Publication.objects.published()``, SQLite first collects the id of every
published publication into a list ("LIST SUBQUERY"), on every uncached request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from options.templatetags.option_tags import _options_for
from policyhub.pages.models import HomeSlot, MenuItem
from publications.forms import published_tags
from tests.factories import OptionSourceFactory, PolicyOptionFactory, PublicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.infrastructure]


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.fixture
def sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite query plan")


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: MenuItem.objects.visible(),
        lambda: HomeSlot.objects.visible(),
        lambda: published_tags().filter(slug__in=["sanctions"]),
    ],
    ids=["menus", "home slots", "tag filter check"],
)
def test_no_list_of_every_published_id(sqlite, queryset):
    PublicationFactory(tags=["sanctions"])

    steps = plan(queryset())

    assert steps, "no plan read"
    assert not [step for step in steps if "LIST SUBQUERY" in step], steps


def test_a_publications_options_are_checked_on_their_own_rows(sqlite):
    publication = PublicationFactory()
    option = PolicyOptionFactory()
    OptionSourceFactory(option=option, publication=publication)

    with CaptureQueriesContext(connection) as captured:
        related = _options_for(publication)

    assert [entry[0] for entry in related.entries] == [option]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {captured.captured_queries[-1]['sql']}")
        steps = [row[-1] for row in cursor.fetchall()]
    assert not [step for step in steps if "LIST SUBQUERY" in step], steps
