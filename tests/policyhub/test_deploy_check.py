"""Production settings from the environment: ``check --deploy`` is clean, and the app refuses to
start without a real SECRET_KEY. Each case runs manage.py in its own process (settings are read
at import)."""

import pytest

from tests.manage_command import production_env, run_manage

SETTINGS_CODE = (
    "from django.conf import settings as s;"
    "print(repr(getattr(s, 'SECURE_PROXY_SSL_HEADER', None)), s.SECURE_SSL_REDIRECT,"
    " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
    " s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
    " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, sep='|')"
)


def production_settings(**overrides):
    result = run_manage("shell", "-c", SETTINGS_CODE, **production_env(**overrides))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split("|")


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_a_setting_is_weakened():
    # Not vacuous: the same command catches a missing HTTPS redirect.
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **production_env(SECURE_SSL_REDIRECT="false"),
    )

    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "secret_key",
    ["", "short", "x" * 49],
    ids=["missing", "short", "49 characters"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = run_manage("check", **production_env(SECRET_KEY=secret_key))

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_with_no_secret_key_variable_at_all():
    env = production_env()
    del env["SECRET_KEY"]

    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_https_cookies_and_hsts_in_production():
    (
        _,
        ssl_redirect,
        hsts_seconds,
        hsts_subdomains,
        session_secure,
        session_httponly,
        session_samesite,
        csrf_secure,
        csrf_httponly,
        csrf_samesite,
    ) = production_settings()

    assert ssl_redirect == "True"
    assert int(hsts_seconds) >= 31_536_000
    assert hsts_subdomains == "True"
    assert (session_secure, session_httponly, session_samesite) == ("True", "True", "Lax")
    assert (csrf_secure, csrf_httponly, csrf_samesite) == ("True", "True", "Lax")


def test_proxy_ssl_header_is_trusted_only_when_configured():
    # Trusted by default, any client could send X-Forwarded-Proto: https over plain http.
    assert production_settings()[0] == "None"
    assert production_settings(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")[0] == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
