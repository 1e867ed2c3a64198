"""With DEBUG off, server errors and security events go to stderr, and the pages say nothing
about the cause. Run in a production-configured process: the test runner's own settings and
log capture would hide what a real deployment does."""

from tests.manage_command import production_env, run_manage

SCRIPT = """
from unittest import mock
from django.test import Client, override_settings

plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
host = {"HTTP_HOST": "policy.example.org", "secure": True}
with override_settings(STORAGES=plain):  # no collectstatic manifest in a test
    client = Client(raise_request_exception=False)
    with mock.patch(
        # The home page's first query: the failure comes before any database is needed.
        "policyhub.views.HomeSlot.objects.visible",
        side_effect=RuntimeError("boom-marker SELECT password FROM auth_user"),
    ):
        error = client.get("/", **host)
    forbidden = Client(enforce_csrf_checks=True).post("/admin/login/", **host)
    bad_host = Client().get("/healthz", HTTP_HOST="evil.example", secure=True)
print("RESULT", error.status_code, forbidden.status_code, bad_host.status_code)
print("PAGE500", error.content.decode().replace(chr(10), " "))
"""


def test_errors_and_security_events_are_logged_to_stderr_not_shown():
    result = run_manage("shell", "-c", SCRIPT, **production_env())

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert next(line for line in lines if line.startswith("RESULT")) == "RESULT 500 403 400"
    page = next(line for line in lines if line.startswith("PAGE500"))
    assert "Something went wrong on our side" in page
    for leak in ["boom-marker", "SELECT", "Traceback", "SECRET_KEY", "policyhub.views"]:
        assert leak not in page
    # django.request: the error with its traceback; django.security: CSRF and Host failures.
    assert "Internal Server Error: /" in result.stderr
    assert "RuntimeError: boom-marker" in result.stderr
    assert "Forbidden (Referer checking failed - no Referer.): /admin/login/" in result.stderr
    assert "Invalid HTTP_HOST header: 'evil.example'" in result.stderr
