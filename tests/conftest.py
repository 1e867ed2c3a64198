import contextlib
import json
import os
import socket
import threading
from types import SimpleNamespace
from unittest import mock
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import global_settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.manage_command import process_settings

# The site's default cache is a file cache in the project, shared by every process on the
# machine; tests keep theirs in memory, fresh for each run, and so do the processes they start.
TEST_CACHE_URL = "locmemcache://"


@pytest.fixture(scope="session", autouse=True)
def _cache_in_memory():
    with (
        override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        ),
        mock.patch.dict(os.environ, {"CACHE_URL": TEST_CACHE_URL}),
    ):
        yield


# What the site hashes passwords with (the settings name no PASSWORD_HASHERS: Django's default).
PRODUCTION_PASSWORD_HASHERS = list(global_settings.PASSWORD_HASHERS)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    # PBKDF2 at Django's cost takes ~0.3 s of CPU a password, and hundreds of tests create a user
    # with one (admin_client) or log in. MD5 first: passwords the tests make are hashed with it;
    # the site's hashers after it, so a hash made the production way is still checked.
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *PRODUCTION_PASSWORD_HASHERS,
        ]
    ):
        yield


@pytest.fixture
def production_password_hashing(settings):
    """Passwords hashed as the site does: for a user who logs in through a server process, whose
    settings know nothing of the tests' fast hasher."""
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # WhiteNoise's manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, _plain_static_storage):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    documents = settings.STORAGES["documents"]
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **documents,
            "OPTIONS": {**documents["OPTIONS"], "location": settings.DOCUMENTS_ROOT},
        },
    }


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    # A cached page runs no queries: query budgets and most page tests would pass vacuously.
    # tests/policyhub/test_page_cache.py switches it on.
    settings.PAGE_CACHE_ENABLED = False
    # Cached facet counts and related lists run no queries either:
    # tests/publications/test_datacache.py switches them on.
    settings.DATA_CACHE_ENABLED = False
    # Crawls and fuzzing send hundreds of API requests from one address; the throttling tests
    # set their own rate.
    settings.API_THROTTLE_RATE = "100000/min"


@pytest.fixture(autouse=True)
def _clear_cache():
    from policyhub.editorial import site
    from policyhub.editorial.cache import (
        NEXT_GO_LIVE_KEY,
        SCHEDULE_GENERATION_KEY,
        reset_availability,
    )

    # The site settings a previous test read, outside a request.
    site.forget()

    # A failure seen by one test must not make the next one skip the cache.
    reset_availability()
    cache.clear()
    # As a running site's cache has it: "nothing scheduled" is asked of the database once per
    # schedule change, not by the first request of every test (the query budgets). Saving a
    # scheduled item or a pending change replaces the generation, and the database is asked again.
    entry = {"generation": "tests", "computed_at": 0.0, "next": None}
    cache.set_many({SCHEDULE_GENERATION_KEY: "tests", NEXT_GO_LIVE_KEY: entry}, timeout=None)
    yield
    cache.clear()
    reset_availability()


CACHE_OPERATIONS = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many")


@pytest.fixture
def cache_down():
    """A context manager: while it lasts, every cache operation fails as an unreachable Redis."""

    @contextlib.contextmanager
    def down():
        with contextlib.ExitStack() as stack:
            for name in CACHE_OPERATIONS:
                failure = RedisConnectionError("down")
                stack.enter_context(mock.patch.object(cache, name, side_effect=failure))
            yield

    return down


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def roles(db):
    """The Contributors and Editors groups. The migration creates them, but a transactional test
    elsewhere in the run flushes the database, so tests ask for them here (idempotent)."""
    from policyhub.editorial.roles import ensure_roles

    return ensure_roles()


@pytest.fixture
def contributor(roles, django_user_model):
    user = django_user_model.objects.create_user("contributor", is_staff=True)
    user.groups.add(roles["Contributors"])
    return user


@pytest.fixture
def editor(roles, django_user_model):
    user = django_user_model.objects.create_user("editor_in_chief", is_staff=True)
    user.groups.add(roles["Editors"])
    return user


@pytest.fixture
def wsgi_get():
    """GET through Django's WSGI handler the way a server worker does.

    The test client switches off close_old_connections for its requests; servers do not. Here the
    request_started/request_finished signals run as in production, so persistent connections and
    their health checks are exercised for real.
    """
    handler = WSGIHandler()

    def get(path):
        environ = {"PATH_INFO": path}
        setup_testing_defaults(environ)
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"] = int(status.split()[0])
            started["headers"] = dict(headers)

        result = handler(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            result.close()  # sends request_finished
        return SimpleNamespace(
            status_code=started["status"], headers=started["headers"], content=content
        )

    return get


class TcpProxy:
    """A TCP relay on a free local port, to take a database "down" without touching the server.

    stop() closes the listening socket and every relayed connection (what a server restart does to
    clients); start() listens again on the same port; blackhole() accepts connections and never
    answers (a host that stopped responding).
    """

    def __init__(self, upstream):
        self.upstream = upstream
        self.port = 0
        self.mode = "relay"
        self._listener = None
        self._sockets = []
        self._lock = threading.Lock()

    def start(self, mode="relay"):
        self.mode = mode
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def blackhole(self):
        self.stop()
        self.start(mode="blackhole")

    def stop(self):
        if self._listener is not None:
            # close() alone leaves the port open while accept() blocks on it; shutdown wakes it.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # listener closed by stop()
            with self._lock:
                self._sockets.append(client)
            if self.mode == "blackhole":
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets.append(server)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def postgres_through_proxy(transactional_db):
    """Point the default connection (the PostgreSQL test database) at a TcpProxy; yield it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    settings_dict = connection.settings_dict
    host = settings_dict.get("HOST") or "localhost"
    if host.startswith("/"):
        pytest.skip("PostgreSQL over a Unix socket cannot be proxied over TCP")
    original = {"HOST": settings_dict.get("HOST"), "PORT": settings_dict.get("PORT")}
    proxy = TcpProxy((host, int(settings_dict.get("PORT") or 5432)))
    proxy.start()
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(proxy.port))
    try:
        yield proxy
    finally:
        connection.close()
        settings_dict.update(original)
        proxy.stop()


@pytest.fixture
def write_jsonl(tmp_path):
    """``write_jsonl(*lines, name=...)`` writes a JSON Lines file and returns its path; a line
    is a record (dumped as JSON) or a string (written as it is, for broken lines)."""

    def write(*lines, name="in.jsonl"):
        path = tmp_path / name
        path.write_text(
            "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
            encoding="utf-8",
        )
        return str(path)

    return write


class SilentServer(TcpProxy):
    """A socket on 127.0.0.1 that accepts connections and never answers: a hung Redis."""

    def __init__(self):
        super().__init__(None)

    def start(self, mode="blackhole"):
        super().start(mode)


@pytest.fixture
def image_beside(tmp_path):
    """``image_beside(upload, name=...)`` puts an image file under ``images/`` beside the files
    ``write_jsonl`` writes and returns its bytes."""

    def write(upload=None, name="chart.png"):
        from tests.factories import image_file

        data = (upload or image_file(name, size=(600, 400))).read()
        (tmp_path / "images").mkdir(exist_ok=True)
        (tmp_path / "images" / name).write_bytes(data)
        return data

    return write


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_cache_settings():
    """``redis_cache_settings(port)``: CACHES as the settings make them from
    ``CACHE_URL=redis://127.0.0.1:<port>/0`` (read once, in a fresh process), timeouts included."""
    caches = process_settings("CACHES", CACHE_URL="redis://127.0.0.1:1/0")["CACHES"]

    def for_port(port):
        default = {**caches["default"], "LOCATION": f"redis://127.0.0.1:{port}/0"}
        return {"default": default}

    return for_port


@pytest.fixture
def hung_cache(redis_cache_settings):
    """The cache is a Redis that accepts connections and never answers; yields the server."""
    server = SilentServer()
    server.start()
    # Not the settings fixture: this must be undone before _clear_cache's teardown runs.
    with override_settings(CACHES=redis_cache_settings(server.port)):
        yield server
    server.stop()


@pytest.fixture
def closed_cache(redis_cache_settings):
    """The cache is a Redis whose port refuses connections (the server is down)."""
    with override_settings(CACHES=redis_cache_settings(closed_port())):
        yield
