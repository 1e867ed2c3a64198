"""The dashboard's tables stay inside their box at every width: long titles wrap, and what
still does not fit scrolls inside the box rather than spilling out of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "Sanctions, export controls and the long road to a verifiable regional agreement " * 2
UNBROKEN = "Non-proliferation-" * 8

# For each table: how far it sticks out of the dashboard box, and whether its last column can be
# seen inside the box (directly, or by scrolling the table's own container).
MEASURE = """
() => {
  const box = document.querySelector("#editors-dashboard").getBoundingClientRect();
  return [...document.querySelectorAll("#editors-dashboard table")].map((table) => {
    const last = table.querySelector("thead th:last-child");
    const scroller = table.parentElement;
    scroller.scrollLeft = scroller.scrollWidth;
    const seen = last.getBoundingClientRect();
    const frame = scroller.getBoundingClientRect();
    return {
      header: last.textContent,
      frameRight: frame.right - box.right,
      lastRight: seen.right - Math.min(box.right, frame.right),
    };
  });
}
"""


@pytest.mark.parametrize("width", [1400, 1024, 768, 390])
def test_dashboard_tables_fit_their_box(superuser_page, width):
    page = superuser_page
    soon = timezone.now() + timedelta(days=3)
    PublicationFactory(draft=True, title=LONG, created_by=page.user)
    PublicationFactory(in_review=True, title=UNBROKEN)
    PublicationFactory(status="published", published_at=soon, title=LONG)
    PolicyOptionFactory(status="published", published_at=soon, title=UNBROKEN)
    PublicationFactory(title=LONG)

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/")
    tables = page.evaluate(MEASURE)

    assert {table["header"] for table in tables} >= {"Goes live", "Last change", "Published"}
    for table in tables:
        assert table["frameRight"] <= 1, (width, table)
        assert table["lastRight"] <= 1, (width, table)
