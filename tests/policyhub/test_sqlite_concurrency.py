"""Several OS processes editing one SQLite file at once: no "database is locked", no lost write."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 6
ROUNDS = 50
BUSY_TIMEOUT_SECONDS = 60

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="SQLite locking: this leg runs on PostgreSQL, which has row locks instead",
    ),
    pytest.mark.infrastructure,
]

# One editor process: Django with the project's settings on the shared file. Every round is one
# transaction that reads a counter, writes it back incremented (the read-then-write that makes a
# DEFERRED SQLite transaction fail with "database is locked") and saves a new publication, which
# also rewrites its search document.
WORKER = """
import json, sys
import django
django.setup()
from django.db import OperationalError, connection, transaction
from publications.models import Publication, PublicationType

if sys.argv[1] == "seed":
    kind = PublicationType.objects.create(name="Note", slug="note")
    Publication.objects.create(title="Counter", slug="counter", summary="0", publication_type=kind)
    sys.exit(0)

worker, rounds = int(sys.argv[1]), int(sys.argv[2])
kind = PublicationType.objects.get(slug="note")
with connection.cursor() as cursor:
    journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
print("ready", flush=True)
sys.stdin.readline()  # start together

errors = []
for n in range(rounds):
    try:
        with transaction.atomic():
            counter = Publication.objects.get(slug="counter")
            counter.summary = str(int(counter.summary) + 1)
            counter.save()
            Publication.objects.create(
                title=f"Worker {worker} note {n}",
                slug=f"w{worker}-{n}",
                publication_type=kind,
                body="<p>Written under contention.</p>",
                status="published",
            )
    except OperationalError as exc:
        errors.append(str(exc))
print(json.dumps({"journal_mode": journal_mode, "busy_timeout": busy_timeout, "errors": errors}))
"""


@pytest.fixture
def sqlite_site(tmp_path):
    """A migrated SQLite file (not the in-memory test database) and the environment to use it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "CACHE_URL", "SQLITE_BUSY_TIMEOUT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="policyhub.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        CACHE_URL="locmemcache://",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONPATH=str(PROJECT_ROOT),
        # Generous on purpose: with a loaded CI machine a writer can wait its turn for seconds.
        # What the test proves does not depend on it: without IMMEDIATE transactions the
        # read-then-write upgrade fails at once, whatever the timeout.
        SQLITE_BUSY_TIMEOUT=str(BUSY_TIMEOUT_SECONDS),
    )
    script = tmp_path / "editor.py"
    script.write_text(WORKER)
    for args in (["manage.py", "migrate", "-v0"], [str(script), "seed"]):
        result = subprocess.run(  # noqa: S603 - our own scripts
            [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    return tmp_path / "site.sqlite3", script, env


def test_concurrent_editors_never_see_database_is_locked(sqlite_site):
    database, script, env = sqlite_site
    editors = [
        subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, str(script), str(worker), str(ROUNDS)],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(WORKERS)
    ]
    try:
        for editor in editors:
            assert editor.stdout.readline().strip() == "ready", editor.stderr.read()
        for editor in editors:
            editor.stdin.write("go\n")
            editor.stdin.flush()
        outputs = [editor.communicate(timeout=120) for editor in editors]
    finally:
        for editor in editors:
            if editor.poll() is None:
                editor.kill()

    reports = []
    for editor, (stdout, stderr) in zip(editors, outputs, strict=True):
        assert editor.returncode == 0, stderr
        reports.append(json.loads(stdout))
    assert {report["journal_mode"] for report in reports} == {"wal"}
    assert {report["busy_timeout"] for report in reports} == {BUSY_TIMEOUT_SECONDS * 1000}
    assert [error for report in reports for error in report["errors"]] == []

    with sqlite3.connect(database) as db:
        counter = db.execute(
            "SELECT summary FROM publications_publication WHERE slug = 'counter'"
        ).fetchone()[0]
        written = db.execute(
            "SELECT COUNT(*) FROM publications_publication WHERE slug LIKE 'w%'"
        ).fetchone()[0]
    # Every increment survived (none lost to a concurrent read) and every publication is there.
    assert int(counter) == WORKERS * ROUNDS
    assert written == WORKERS * ROUNDS
