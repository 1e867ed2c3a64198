import re

import pytest

from tests.factories import PublicationFactory
from tests.manage_command import PROJECT_ROOT, process_settings, production_env, run_manage


@pytest.mark.parametrize("debug", ["true", "false"])
def test_security_headers_follow_debug(debug):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, "
        "getattr(s, 'SECURE_HSTS_SECONDS', 0), s.SESSION_COOKIE_SECURE, "
        "s.STORAGES['staticfiles']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = run_manage("shell", "-c", code, **production_env(DEBUG=debug))

    assert result.returncode == 0, result.stderr
    nosniff, frame, hsts, secure_cookie, storage = result.stdout.strip().splitlines()[-1].split()
    assert (nosniff, frame) == ("True", "DENY")
    if debug == "false":
        assert int(hsts) >= 31_536_000
        assert secure_cookie == "True"
        assert storage == "CompressedManifestStaticFilesStorage"
    else:
        assert int(hsts) == 0
        assert secure_cookie == "False"
        assert storage == "StaticFilesStorage"


def test_whitenoise_sits_right_after_security_middleware(settings):
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")

    assert settings.MIDDLEWARE[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_header_middleware_wraps_whitenoise_and_axes_comes_last(settings):
    # WhiteNoise answers static files without calling what comes after it.
    whitenoise = settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")
    for header_middleware in [
        "policyhub.middleware.SiteCSPMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]:
        assert settings.MIDDLEWARE.index(header_middleware) < whitenoise
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.django_db
def test_reader_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_admin_policy_allows_only_the_editors_own_inline_script_by_nonce(admin_client):
    publication = PublicationFactory()
    response = admin_client.get(f"/admin/publications/publication/{publication.pk}/change/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)

    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode()


def test_sqlite_defaults_queue_writers_instead_of_failing():
    code = (
        "from django.conf import settings as s;"
        "o = s.DATABASES['default']['OPTIONS'];"
        "print(o['transaction_mode'], o['timeout'], 'journal_mode=WAL' in o['init_command'])"
    )
    result = run_manage("shell", "-c", code, DATABASE_URL="sqlite:///unused.sqlite3")

    assert result.returncode == 0, result.stderr
    transaction_mode, timeout, wal = result.stdout.strip().splitlines()[-1].split()
    assert (transaction_mode, float(timeout), wal) == ("IMMEDIATE", 20.0, "True")


def test_sqlite_connections_outlive_a_request(tmp_path):
    # What the end of every request runs (request_finished): with CONN_MAX_AGE 0 it closed the
    # connection, and the next request paid for a new one and an empty page cache.
    code = (
        "from django.db import close_old_connections, connection as c;"
        "c.ensure_connection(); first = c.connection;"
        "close_old_connections(); c.ensure_connection();"
        "print(c.connection is first)"
    )
    result = run_manage("shell", "-c", code, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def cache_and_sessions(**env):
    found = process_settings("CACHES", "SESSION_ENGINE", **env)
    return found["CACHES"]["default"], found["SESSION_ENGINE"]


def test_the_default_cache_is_one_file_cache_for_every_process_of_the_project():
    # import_content in another process must retire the pages the server has cached.
    default, _ = cache_and_sessions(CACHE_URL=None)

    assert default["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert default["LOCATION"] == str(PROJECT_ROOT / ".django-cache")
    assert ".django-cache/" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()


def test_redis_calls_give_up_fast_on_a_hung_server():
    default, _ = cache_and_sessions(CACHE_URL="redis://redis.internal:6379/0")

    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["OPTIONS"]["socket_connect_timeout"] == 0.5
    assert default["OPTIONS"]["socket_timeout"] == 0.5


def test_sessions_do_not_go_through_the_cache():
    _, engine = cache_and_sessions(CACHE_URL="redis://redis.internal:6379/0")
    assert engine == "django.contrib.sessions.backends.db"


def test_tests_and_the_processes_they_start_keep_their_cache_in_memory(settings):
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    assert settings.CACHES["default"]["BACKEND"] == locmem
    default, _ = cache_and_sessions()
    assert default["BACKEND"] == locmem
