"""A cache that is down or hung costs speed, never a page, a login or an edit.

``closed_cache`` points the cache at a port that refuses connections (Redis down);
``hung_cache`` at a socket that accepts and never answers (Redis hung), with the timeouts the
settings give a ``redis://`` CACHE_URL. Elapsed times are fault bounds, not performance goals.
"""

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from policyhub.editorial import cache as page_cache
from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.factories import PolicyOptionFactory, PublicationFactory
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FAULT_BUDGET = 3.0  # seconds: generous, only a stalled page comes near it


@pytest.fixture
def caches_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.DATA_CACHE_ENABLED = True


def test_a_failure_skips_the_cache_for_a_while_then_tries_again():
    assert page_cache.cache_available()
    now = time.monotonic()
    with mock.patch("time.monotonic", return_value=now):
        page_cache.cache_failed()
        assert not page_cache.cache_available()
    later = now + page_cache.RETRY_AFTER_SECONDS
    with mock.patch("time.monotonic", return_value=later - 0.1):
        assert not page_cache.cache_available()
    with mock.patch("time.monotonic", return_value=later):
        assert page_cache.cache_available()


def test_a_failed_call_starts_the_pause_and_pages_then_skip_the_cache(
    client, caches_on, cache_down
):
    PublicationFactory(title="Readable")
    with cache_down():
        assert client.get(reverse("home")).status_code == 200
    assert not page_cache.cache_available()
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        response = client.get(reverse("publications:list"))
    assert b"Readable" in response.content
    assert get.call_count == 0
    page_cache.reset_availability()
    assert client.get(reverse("publications:list"))["X-Cache"] == "miss"


def test_invalidations_are_attempted_while_the_cache_is_skipped():
    # The cache may be back already: a stale page must not outlive an edit.
    before = page_cache.current_generation()
    page_cache.cache_failed()
    PublicationFactory()
    assert page_cache.current_generation() != before


def test_pages_stay_fast_with_a_hung_cache(client, caches_on, request):
    publication = PublicationFactory(title="Sanctions and their limits")
    option = PolicyOptionFactory()
    pages = [
        reverse("home"),
        reverse("publications:list"),
        reverse("publications:list") + "?page=1",
        publication.get_absolute_url(),
        reverse("options:list"),
        option.get_absolute_url(),
        reverse("search:search") + "?q=sanctions",
    ]
    request.getfixturevalue("hung_cache")  # after the content: saves wait on the cache too
    responses = []
    started = time.monotonic()
    for page in pages:
        responses.append(client.get(page))
    elapsed = time.monotonic() - started

    assert [response.status_code for response in responses] == [200] * len(pages)
    assert b"Sanctions and their limits" in responses[1].content
    # One socket timeout, then every page uncached: not one timeout per cache call.
    assert elapsed < FAULT_BUDGET


def test_pages_are_cached_again_once_the_cache_answers(client, caches_on, hung_cache):
    client.get(reverse("home"))
    assert not page_cache.cache_available()
    with (
        override_settings(CACHES=LOCMEM),
        mock.patch("time.monotonic", return_value=time.monotonic() + 60),
    ):
        assert client.get(reverse("home"))["X-Cache"] == "miss"
        assert client.get(reverse("home"))["X-Cache"] == "hit"


@pytest.mark.parametrize("fault", ["closed_cache", "hung_cache"])
def test_editors_log_in_and_edit_while_the_cache_is_out(client, django_user_model, request, fault):
    request.getfixturevalue(fault)
    django_user_model.objects.create_superuser("ed", "ed@example.org", "a long enough password")
    publication = PublicationFactory(title="Before")

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "ed", "password": "a long enough password", "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    url, data = change_form_data(client, publication)
    data["title"] = "After"
    response = client.post(url, {**data, **PUBLISH_CHANGES})

    assert response.status_code == 302
    assert Publication.objects.get(pk=publication.pk).title == "After"
