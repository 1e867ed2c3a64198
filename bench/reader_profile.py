"""Profile reader pages in-process: wall time per request and the slowest SQL statements.

    DATABASE_URL=sqlite:////tmp/perf_10k.sqlite3 PAGE_CACHE_ENABLED=false \
        .venv/bin/python bench/reader_profile.py [--runs 5] [--plans] [PATH ...]

Default paths: list page 1 and 50, a detail page, home, options list and compare.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policyhub.settings")
os.environ.setdefault("PAGE_CACHE_ENABLED", "false")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from publications.models import Publication  # noqa: E402


def default_paths():
    slug = (
        Publication.objects.published()
        .order_by("-published_at")
        .values_list("slug", flat=True)[100]
    )
    paths = ["/publications/", "/publications/?page=50", f"/publications/{slug}/", "/"]
    paths += ["/options/", "/options/compare/"]
    return paths


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=4)
    args = parser.parse_args()
    client = Client(HTTP_HOST="localhost")
    for path in args.paths or default_paths():
        cache.clear()
        client.get(path)  # warm-up
        times, captured = [], None
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            captured = ctx.captured_queries
        print(
            f"{path}  status {response.status_code}  queries {len(captured)}  "
            f"median {statistics.median(times):.0f} ms  min {min(times):.0f} ms"
        )
        slowest = sorted(captured, key=lambda q: -float(q["time"]))[: args.top]
        for query in slowest:
            print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
