"""Run manage.py in a fresh process with a chosen environment: settings are read at import, so
production behaviour (DEBUG off, required SECRET_KEY, HTTPS settings) can only be seen this way."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Variables the settings read; the test runner's own values must not leak into the child.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CACHE_URL",
    "SECURE_PROXY_SSL_HEADER",
    "TRUSTED_PROXY_COUNT",
    "AXES_COOLOFF",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args, **env_overrides):
    """``NAME=None`` leaves the variable unset (the settings' default)."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    # Not the project's shared file cache, unless a test asks for it.
    env["CACHE_URL"] = "locmemcache://"
    env.update(env_overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides):
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "policy.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://policy.example.org",
        # Never connected to by these commands; loopback all the same.
        "DATABASE_URL": "postgres://policyhub:secret@127.0.0.1:5432/policyhub",
        **overrides,
    }


def process_settings(*names, **env_overrides):
    """``{name: value}`` of these settings as a fresh process reads them from the environment."""
    code = (
        "import json; from django.conf import settings;"
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = run_manage("shell", "-c", code, **env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
