"""The upgrade from the featured flag: the newest published featured publications become the
home page's first slots, before the flag's column goes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("pages", "0001_initial"), ("publications", "0003_person_expert_fields")]
AFTER = [("pages", "0002_home_slots"), ("publications", "0004_remove_featured_flag")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_featured_publications_become_the_first_slots():
    old = migrate(BEFORE)
    Publication = old.get_model("publications", "Publication")
    kind = old.get_model("publications", "PublicationType").objects.create(name="Brief", slug="b")
    now = timezone.now()

    def make(slug, days_ago, featured=True, status="published"):
        Publication.objects.create(
            slug=slug,
            title=slug,
            summary="s",
            publication_type=kind,
            status=status,
            published_at=now - timedelta(days=days_ago) if status == "published" else None,
            featured=featured,
            created_at=now,
            updated_at=now,
        )

    make("oldest", 9)
    make("newest", 1)
    make("middle", 5)
    make("older", 7)
    make("not-featured", 0, featured=False)
    make("draft", 0, status="draft")
    try:
        new = migrate(AFTER)
        slots = new.get_model("pages", "HomeSlot").objects.order_by("order")
        assert [slot.publication.slug for slot in slots] == ["newest", "middle", "older"]
    finally:
        migrate(AFTER)
