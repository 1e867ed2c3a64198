"""The lists by title read ``publication_title_sort`` in order: its expression must stay the
one both lists order by, or the index silently stops serving them."""

import pytest
from django.db import connection
from django.http import QueryDict

from policyhub.api.filters import filter_publications
from publications.forms import PublicationFilterForm
from publications.models import Publication
from tests.factories import PublicationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plan"),
]


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of test rows: without these the planner would rightly scan and sort.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def shelf():
    PublicationFactory.create_batch(5)


def test_the_api_list_by_title_reads_the_index(shelf):
    queryset, ordering = filter_publications(
        Publication.objects.published(), QueryDict("sort=title")
    )

    assert "publication_title_sort" in plan(queryset.order_by(*ordering)[:21])


def test_the_list_page_by_title_reads_the_index(shelf):
    ordering = PublicationFilterForm.SORTS["title"]

    assert "publication_title_sort" in plan(
        Publication.objects.published().order_by(*ordering)[:20]
    )
