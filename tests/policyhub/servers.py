"""Real gunicorn servers with production settings, for the tests that need more than the client."""

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# Variables of the test run that must not leak into a server's settings.
SCRUBBED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "PAGE_CACHE_ENABLED",
    "STATIC_ROOT",
    "MEDIA_ROOT",
}


def production_env(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="policyhub.settings",
        # Not the project's shared file cache: each server keeps its own unless a test says.
        CACHE_URL="locmemcache://",
    )
    env.update(overrides)
    return env


def collectstatic(static_root, env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_ROOT,
        env={**env, "STATIC_ROOT": str(static_root)},
        check=True,
        capture_output=True,
        timeout=300,
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, headers=None, method="GET", body=None):
    """One request on its own connection; returns (status, headers dict, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            method, path, body=body, headers={"Connection": "close", **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(env, log_path, workers=1):
    """Start gunicorn on a free port with ``env``; yield the port; stop it."""
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own server
            [
                str(GUNICORN),
                "policyhub.wsgi",
                "--no-control-socket",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(process, port, log_path)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_listening(process, port, log_path, timeout=60):
    # Polling for readiness, not a sleep standing in for an assertion.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {Path(log_path).read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start: {Path(log_path).read_text()[-3000:]}")
