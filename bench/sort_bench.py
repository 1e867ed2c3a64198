"""Does the publication list by title need an index? Times it in-process with and without one.

    DATABASE_URL=sqlite:////tmp/my_10k.sqlite3 .venv/bin/python bench/sort_bench.py [--runs 30]

On a database loaded with ``import_content`` (``make_corpus.py``). For each URL (the API's list
and the HTML list, by title and newest first for reference, page 1 and a deep page) it times
requests with the data and page caches off, first without an index on ``lower(title), id``,
then with one (created here, then dropped), then without again; rounds alternate URLs so a slow
moment on a shared machine falls on all of them. Prints the median and p95 in milliseconds and
the plan of the API's query by title.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")
os.environ["PAGE_CACHE_ENABLED"] = "false"
os.environ["DATA_CACHE_ENABLED"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

INDEX = "bench_publication_title_sort"
DEEP = 25  # pages followed by cursor for the API's deep page; the HTML list's page number


def deep_api_url(client, query):
    url = f"/api/v1/publications/?{query}&fields=id"
    for _ in range(DEEP - 1):
        url = client.get(url).json()["next"]
    return url.replace("http://localhost", "").replace("&fields=id", "").replace("fields=id&", "")


def urls(client):
    found = {}
    for sort in ("title", "newest"):
        found[f"API {sort}, page 1"] = f"/api/v1/publications/?sort={sort}"
        found[f"API {sort}, page {DEEP}"] = deep_api_url(client, f"sort={sort}")
        found[f"HTML {sort}, page 1"] = f"/publications/?sort={sort}"
        found[f"HTML {sort}, page {DEEP}"] = f"/publications/?sort={sort}&page={DEEP}"
    return found


def time_round(client, targets, runs):
    timings = {name: [] for name in targets}
    for run in range(runs):
        names = list(targets) if run % 2 else list(reversed(targets))
        for name in names:
            started = time.perf_counter()
            response = client.get(targets[name])
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
    return timings


def statements(client, targets):
    """The statement of each URL that orders publications (its page's rows, or ids)."""
    found = {}
    for name, url in targets.items():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        ordered = [
            q["sql"]
            for q in ctx.captured_queries
            if "ORDER BY" in q["sql"]
            and '"publications_publication"."published_at"' in q["sql"]
            and "LIMIT" in q["sql"]
        ]
        found[name] = ordered[0]
    return found


def time_statements(sql, runs):
    timings = {name: [] for name in sql}
    with connection.cursor() as cursor:
        for run in range(runs):
            names = list(sql) if run % 2 else list(reversed(sql))
            for name in names:
                started = time.perf_counter()
                cursor.execute(sql[name])
                cursor.fetchall()
                timings[name].append((time.perf_counter() - started) * 1000)
    return timings


def p95(values):
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def plan(client, url):
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    statement = next(q["sql"] for q in ctx.captured_queries if "LOWER" in q["sql"].upper())
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
    with connection.cursor() as cursor:
        cursor.execute(explain + statement)
        return "\n".join("  " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def set_index(on):
    with connection.cursor() as cursor:
        if on:
            cursor.execute(f"CREATE INDEX {INDEX} ON publications_publication (LOWER(title), id)")
            cursor.execute("ANALYZE")
        else:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    client = Client(HTTP_HOST="localhost")
    set_index(False)
    targets = urls(client)
    time_round(client, targets, 3)  # warm-up
    results, queries = {}, {}
    for label, on in (("no index", False), ("index", True), ("no index again", False)):
        set_index(on)
        print(f"\n{label}: plan of the API's page {DEEP} by title")
        print(plan(client, targets[f"API title, page {DEEP}"]))
        results[label] = time_round(client, targets, args.runs)
        queries[label] = time_statements(statements(client, targets), args.runs * 3)
    set_index(False)
    for title, table in (("whole request", results), ("the ordering statement", queries)):
        labels = list(table)
        print(f"\n{connection.vendor}, {title}, ms: p50 / p95")
        print("| URL | " + " | ".join(labels) + " |")
        for name in targets:
            cells = [
                f"{statistics.median(table[label][name]):.1f} / {p95(table[label][name]):.1f}"
                for label in labels
            ]
            print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
