"""Two gunicorn servers behind one address, one PostgreSQL, one Redis: either can serve anything.

An editor logs in through one server and is known to the other (sessions in the
database); a page cached by one is a hit on the other; an unpublish made through one is seen on the
next request, answered by the other.
"""

import itertools
import os
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

import pytest
import redis
from django.db import connection

from tests.conftest import TcpProxy
from tests.factories import PublicationFactory
from tests.policyhub.servers import get, gunicorn, production_env

pytestmark = pytest.mark.infrastructure

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def require_redis():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        reason = f"needs Redis at {REDIS_URL} (set TEST_REDIS_URL): {error}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


class RoundRobinProxy(TcpProxy):
    """One address in front of several servers: each new connection goes to the next one."""

    def __init__(self, ports):
        self._next = itertools.cycle(ports)
        self.served_by = []
        super().__init__(None)

    @property
    def upstream(self):
        port = next(self._next)
        self.served_by.append(port)
        return ("127.0.0.1", port)

    @upstream.setter
    def upstream(self, value):
        pass  # the ports given to __init__ are the upstreams


def database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{credentials}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def site(request, transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two servers share one database server: run with DATABASE_URL=postgres://...")
    require_redis()
    # Asked for only once the test is known to run: collectstatic costs a minute of CPU.
    production_static = request.getfixturevalue("production_static")
    env = production_env(
        DATABASE_URL=database_url(),
        CACHE_URL=REDIS_URL,
        # A fresh key space: nothing cached by an earlier run (or another test) can answer.
        CACHE_KEY_PREFIX=f"test-two-servers-{secrets.token_hex(6)}",
        STATIC_ROOT=str(production_static),
        MEDIA_ROOT=str(tmp_path / "media"),
        PAGE_CACHE_ENABLED="true",
        SECURE_SSL_REDIRECT="false",
    )
    with (
        gunicorn(env, tmp_path / "server-a.log") as port_a,
        gunicorn(env, tmp_path / "server-b.log") as port_b,
    ):
        proxy = RoundRobinProxy([port_a, port_b])
        proxy.start()
        try:
            yield proxy
        finally:
            proxy.stop()


class Browser:
    """Cookies and CSRF tokens over plain http.client, every request on a new connection."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.cookies = {}

    def request(self, method, path, data=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        status, response_headers, content = get(self.proxy.port, path, headers, method, body)
        for header in response_headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return status, response_headers, content

    def log_in(self, username, password):
        _, _, page = self.request("GET", "/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _ = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token.decode()},
        )
        assert status == 302, "login failed"
        assert headers["Location"] == "/admin/"

    def admin_action(self, action, publication):
        return self.request(
            "POST",
            "/admin/publications/publication/",
            {
                "action": action,
                "_selected_action": publication.pk,
                "index": 0,
                # The cookie's unmasked secret is a valid form token too.
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
        )


def test_two_servers_share_sessions_cached_pages_and_invalidation(
    site, django_user_model, production_password_hashing
):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a long password")
    publication = PublicationFactory(title="Engagement with conditions")
    reader, editor = Browser(site), Browser(site)
    detail, listing = publication.get_absolute_url(), "/publications/"

    # A page cached by one server is a hit on the other.
    status, headers, first = reader.request("GET", listing)
    assert (status, headers["X-Cache"]) == (200, "miss")
    status, headers, second = reader.request("GET", listing)
    assert (status, headers["X-Cache"]) == (200, "hit")
    assert site.served_by[-1] != site.served_by[-2]
    assert b"Engagement with conditions" in second
    assert reader.request("GET", detail)[0] == 200
    assert reader.request("GET", detail)[1]["X-Cache"] == "hit"

    # Logged in through one server, known to the other: the admin answers on both.
    editor.log_in("editor", "a long password")
    for _ in range(2):
        status, headers, _ = editor.request("GET", "/admin/")
        assert status == 200
        assert "X-Cache" not in headers  # editors bypass the cache
    assert len(set(site.served_by)) == 2

    # Unpublished through one server; the reader's next request goes to the other.
    status, _, _ = editor.admin_action("unpublish", publication)
    assert status == 302
    written_by = site.served_by[-1]
    status, headers, _ = reader.request("GET", detail)
    assert site.served_by[-1] != written_by
    assert status == 404
    status, headers, content = reader.request("GET", listing)
    assert headers["X-Cache"] == "miss"
    assert b"Engagement with conditions" not in content

    # And published again.
    assert editor.admin_action("publish", publication)[0] == 302
    status, _, content = reader.request("GET", detail)
    assert status == 200
    assert b"Engagement with conditions" in content
