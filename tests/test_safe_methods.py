"""No state change on GET: every URL the crawler finds, public and admin, leaves the row count of
every table unchanged."""

import pytest
from django.apps import apps
from django.test import Client

from tests.crawl import ADMIN_SEEDS, PUBLIC_SEEDS, crawl, populate

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_gets_leave_every_table_unchanged(django_user_model):
    populate()
    editor = Client()
    editor.force_login(
        django_user_model.objects.create_superuser("chief", "chief@example.org", "x" * 20)
    )
    before = row_counts()

    pages = crawl(Client(), PUBLIC_SEEDS) + crawl(editor, ADMIN_SEEDS)

    after = row_counts()
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}
    assert len(pages) > 200
    # Not vacuous: the counts see a change.
    django_user_model.objects.create_user("someone")
    assert row_counts() != after
