import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

PROJECT_ROOT = Path(__file__).resolve().parents[3]
OUTAGE_BUDGET = 3.0  # seconds a probe may take to say "down"


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthy_site_answers_200_with_a_tiny_body(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert len(response.content) < 100
    assert_no_store(response)


@pytest.mark.django_db
def test_head_works_and_post_is_refused(client):
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.django_db
def test_database_error_is_a_503_that_leaks_nothing(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("unable to open database file /srv/secret/db.sqlite3")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
    assert b"secret" not in response.content
    assert b"sqlite" not in response.content.lower()
    assert_no_store(response)


@pytest.mark.django_db
def test_cache_failure_is_a_503(client, monkeypatch):
    from django.core.cache import cache

    def broken_set(*args, **kwargs):
        raise ConnectionError("redis://10.0.0.5:6379 refused")

    monkeypatch.setattr(cache, "set", broken_set)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"
    assert b"redis" not in response.content


def test_production_https_redirect_spares_healthz(tmp_path):
    # Load balancers probe over plain http; every other page still goes to https.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CACHE_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        CACHE_URL="locmemcache://",
    )
    code = (
        "from django.test import Client; c = Client();"
        "print(c.get('/healthz').status_code, c.get('/robots.txt').status_code)"
    )
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["200", "301"]


def timed_get(wsgi_get, path):
    started = time.monotonic()
    response = wsgi_get(path)
    return response, time.monotonic() - started


def test_postgres_outage_is_a_fast_503_then_200_when_back(postgres_through_proxy, wsgi_get):
    proxy = postgres_through_proxy
    assert wsgi_get("/healthz").status_code == 200

    proxy.stop()  # the server "goes away": connections cut, new ones refused
    response, elapsed = timed_get(wsgi_get, "/healthz")
    assert response.status_code == 503
    assert elapsed < OUTAGE_BUDGET
    assert json.loads(response.content)["database"] == "unavailable"
    assert "no-store" in response.headers["Cache-Control"]

    proxy.start()
    assert wsgi_get("/healthz").status_code == 200


def test_unresponsive_postgres_host_is_a_503_within_the_budget(postgres_through_proxy, wsgi_get):
    proxy = postgres_through_proxy
    assert wsgi_get("/healthz").status_code == 200

    proxy.blackhole()  # connections are accepted and never answered: only connect_timeout helps
    response, elapsed = timed_get(wsgi_get, "/healthz")
    assert response.status_code == 503
    assert elapsed < OUTAGE_BUDGET

    proxy.stop()
    proxy.start()
    assert wsgi_get("/healthz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["closed_cache", "hung_cache"])
def test_cache_outage_is_a_503_within_a_second(client, request, fault):
    # Hung: the host accepts and never answers; only the socket timeout in the settings helps.
    request.getfixturevalue(fault)
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
    }
    assert elapsed < 1.0


@pytest.mark.django_db
def test_a_probe_that_reaches_the_cache_ends_the_pause_in_using_it(client):
    from policyhub.editorial import cache as page_cache

    page_cache.cache_failed()
    assert client.get(reverse("healthz")).status_code == 200
    assert page_cache.cache_available()
