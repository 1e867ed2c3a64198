"""The default cache is one file cache per project: what one process changes, every other
process on the machine sees (a server and ``manage.py import_content``, say)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.manage_command import process_settings, run_manage

pytestmark = pytest.mark.django_db


def test_a_change_made_by_another_process_retires_the_servers_pages(client, settings, tmp_path):
    settings.PAGE_CACHE_ENABLED = True
    default = process_settings("CACHES", CACHE_URL=None)["CACHES"]["default"]
    # The default backend, in a folder of this test's own.
    caches = {"default": {**default, "LOCATION": str(tmp_path / "cache")}}
    with override_settings(CACHES=caches):
        client.get(reverse("home"))
        assert client.get(reverse("home"))["X-Cache"] == "hit"

        result = run_manage("clear_page_cache", CACHE_URL=f"filecache://{tmp_path / 'cache'}")
        assert result.returncode == 0, result.stderr

        assert client.get(reverse("home"))["X-Cache"] == "miss"
