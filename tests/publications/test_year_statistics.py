"""PostgreSQL knows how few years there are (publications migration 0011)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import Publication
from tests.factories import PublicationFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics"),
    pytest.mark.infrastructure,
]


def test_year_facet_estimate_is_the_number_of_years():
    for year in (2021, 2022, 2023):
        for day in range(1, 41):
            PublicationFactory(published_at=datetime(year, 3, 1, tzinfo=UTC) + timedelta(day))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publications_publication")

    with CaptureQueriesContext(connection) as captured:
        years = Publication.objects.published().count_by_year()
    assert [row["year"] for row in years] == [2023, 2022, 2021]

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {captured.captured_queries[-1]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Without statistics on the year expression the planner takes the publish times' 120
    # distinct values for groups; with them it expects the three years (and hashes them at scale).
    groups = re.search(r"Aggregate\s+\(cost=\S+ rows=(\d+)", plan)
    assert int(groups.group(1)) <= 5, plan
