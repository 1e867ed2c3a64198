import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import PublicationFactory

pytestmark = pytest.mark.infrastructure

PROJECT_ROOT = Path(__file__).resolve().parents[2]

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL connection handling (run with DATABASE_URL=postgres://...)",
)


def database_settings(**env_overrides):
    """settings.DATABASES['default'] as a fresh process computes it from the environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CONN_MAX_AGE", "DB_CONNECT_TIMEOUT", "SQLITE_BUSY_TIMEOUT"}
    }
    env.update(DJANGO_SETTINGS_MODULE="policyhub.settings", **env_overrides)
    code = (
        "import json; from django.conf import settings;"
        "print(json.dumps(settings.DATABASES['default'], default=str))"
    )
    result = subprocess.run(  # noqa: S603 - fixed code, our own settings
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_postgres_connections_persist_with_health_checks_and_a_connect_timeout():
    db = database_settings(DATABASE_URL="postgres://app@db.internal:5432/policyhub")

    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["connect_timeout"] == 2


def test_postgres_connection_settings_come_from_the_environment():
    db = database_settings(
        DATABASE_URL="postgres://app@db.internal:5432/policyhub",
        CONN_MAX_AGE="300",
        DB_CONNECT_TIMEOUT="5",
    )
    assert (db["CONN_MAX_AGE"], db["OPTIONS"]["connect_timeout"]) == (300, 5)

    # A conn_max_age in the URL itself wins.
    db = database_settings(DATABASE_URL="postgres://app@db.internal/policyhub?conn_max_age=0")
    assert db["CONN_MAX_AGE"] == 0


def test_sqlite_busy_timeout_comes_from_the_environment():
    assert database_settings()["OPTIONS"]["timeout"] == 20
    assert database_settings(SQLITE_BUSY_TIMEOUT="45")["OPTIONS"]["timeout"] == 45


def backend_pid():
    return connection.connection.info.backend_pid


def terminate(pid):
    """Kill a backend from a separate connection, as an admin or a failover would."""
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        deadline = time.monotonic() + 5
        while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "backend did not go away"
            time.sleep(0.05)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_killed_connection_costs_no_failed_request(wsgi_get):
    publication = PublicationFactory()
    path = publication.get_absolute_url()
    assert wsgi_get(path).status_code == 200
    pid = backend_pid()
    assert wsgi_get(path).status_code == 200
    assert backend_pid() == pid  # persistent: the second request reused the connection

    terminate(pid)

    assert wsgi_get(path).status_code == 200
    assert backend_pid() != pid


@needs_postgres
def test_database_restart_costs_no_failed_request(postgres_through_proxy, wsgi_get):
    publication = PublicationFactory()
    path = publication.get_absolute_url()
    assert wsgi_get(path).status_code == 200

    # Every connection is cut and the server is back before the next request.
    postgres_through_proxy.stop()
    postgres_through_proxy.start()

    assert wsgi_get(path).status_code == 200
