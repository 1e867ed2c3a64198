"""Page benchmark: the reader pages behind gunicorn, on SQLite or PostgreSQL, cached and not.

Usage (a database of its own, never the development one; wrk from Debian's package):
    .venv/bin/python bench/pages_bench.py --count 10000 --db sqlite
    .venv/bin/python bench/pages_bench.py --count 100000 --db postgres --load
    .venv/bin/python bench/pages_bench.py --count 100000 --db postgres \
        --database-url postgres://postgres@127.0.0.1:5432/my_pages_100k   # a database of your own

What it does, printing a progress bar for the long steps:
1. generates N synthetic publications (bench/make_corpus.py) and imports them with
   ``manage.py import_content`` (timed), unless the database already holds them;
2. starts gunicorn with 2 workers and DEBUG off, once without the page cache, once without the
   page cache or the data cache (every count, card and search answer computed afresh: what the
   first request after a change pays), and once with both (Redis db 14), and times single
   requests (p50/p95, requests/s) for home, listing page 1 and 50,
   a filtered listing, a detail page, a feed, compare, a rare-term and a common-term search, and
   the bare Django view in bench/urls.py;
3. counts the queries each page runs (in-process, page cache off) and reads worker memory;
4. with ``--load``: wrk, 60 s at 16 connections over the main pages and search while an editor
   saves a publication every second; prints p95, requests/s, errors and 5xx.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SAMPLES = 40
WARMUP = 5

# The peer, measured here with the same kind of content (10,000 publications, SQLite, gunicorn with
# 2 workers, single requests, median, milliseconds): see issue 7.
PEER_MS = {
    "list page 1": 38,
    "list page 50": 106,
    "detail": 12,
    "search rare": 265,
    "search common": 8300,
}


def database_url(kind, count):
    if kind == "sqlite":
        return f"sqlite:////tmp/ph_pages_{count}.sqlite3"
    return f"postgres://postgres@127.0.0.1:5432/ph_pages_{count}"


def base_env(url, *, cached, redis_db=14, data_cache=True):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT="/tmp/ph_bench_static",
        MEDIA_ROOT="/tmp/ph_bench_media",
        PAGE_CACHE_ENABLED="true" if cached else "false",
        DATA_CACHE_ENABLED="true" if data_cache else "false",
        LOG_LEVEL="WARNING",
    )
    # Uncached runs keep the per-process cache their figures were measured with (the site's
    # default is now a file cache).
    env["CACHE_URL"] = f"redis://127.0.0.1:6379/{redis_db}" if cached else "locmemcache://"
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def ensure_database(kind, url, env):
    if kind == "postgres":
        name = url.rsplit("/", 1)[1]
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
            capture_output=True,
            check=False,
        )
    manage(env, "migrate", "-v0")


def publication_count(env):
    out = manage(
        env,
        "shell",
        "-c",
        "from publications.models import Publication; print(Publication.objects.count())",
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip().splitlines()[-1])


def load_corpus(count, env, seed):
    corpus = Path(f"/tmp/ph_corpus_{count}_{seed}.jsonl")
    if not corpus.exists():
        subprocess.run(
            [PYTHON, "bench/make_corpus.py", str(count), str(corpus), "--seed", str(seed)],
            cwd=ROOT,
            env=env,
            check=True,
        )
    started = time.perf_counter()
    manage(env, "import_content", str(corpus))
    return time.perf_counter() - started


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env):
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "policyhub.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = fetch(port, "/bench/bare/")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def fetch(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    finally:
        connection.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_pages(port, pages, label):
    results = {}
    for name, path in tqdm(pages.items(), desc=label, unit="page"):
        for _ in range(WARMUP):
            fetch(port, path)
        timings = []
        statuses = set()
        for _ in range(SAMPLES):
            started = time.perf_counter()
            status, _ = fetch(port, path)
            timings.append((time.perf_counter() - started) * 1000)
            statuses.add(status)
        results[name] = {
            "p50": statistics.median(timings),
            "p95": percentile(timings, 0.95),
            "rps": 1000 / statistics.mean(timings),
            "statuses": sorted(statuses),
        }
    return results


def worker_memory_mb(master_pid):
    total = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            total.append(int(fields["VmRSS"].split()[0]) / 1024)
    return total


PICK_PAGES = textwrap.dedent(
    """
    import json
    from django.db.models import Count
    from options.models import PolicyOption
    from publications.models import Publication, Topic
    from policyhub.search import search

    published = Publication.objects.published()
    detail = published.order_by("-published_at").values_list("slug", flat=True)[100]
    topic = (
        Topic.objects.annotate(n=Count("publications"))
        .order_by("-n").values_list("slug", flat=True).first()
    )
    options = list(PolicyOption.objects.visible().values_list("slug", flat=True)[:3])
    common, tail = json.loads(WORDS)
    def matches(word):
        return search(word).total
    # The rarest word that matches at all: a rare term at any corpus size.
    rare = min((n, w) for w in tail[:80] if (n := matches(w)) > 0)[1]
    print(json.dumps({
        "detail": detail, "topic": topic, "options": options,
        "common": [common, matches(common)], "rare": [rare, matches(rare)],
        "total": published.count(),
    }))
    """
)


def pick_pages(env, seed):
    sys.path.insert(0, str(ROOT / "bench"))
    from make_corpus import about_30_percent
    from words import vocabulary

    common, _ = about_30_percent(seed)
    tail = vocabulary(seed)[-1500::5]
    code = PICK_PAGES.replace("WORDS", repr(json.dumps([common, tail])))
    out = manage(env, "shell", "-c", code, capture_output=True, text=True)
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    pages = {
        "bare Django view": "/bench/bare/",
        "home": "/",
        "list page 1": "/publications/",
        "list page 50": "/publications/?page=50",
        "filtered list": f"/publications/?topic={facts['topic']}",
        "detail": f"/publications/{facts['detail']}/",
        "feed": "/feeds/publications/",
        "compare": "/options/compare/?options=" + ",".join(facts["options"][:2]),
        "search rare": f"/search/?q={facts['rare'][0]}",
        "search common": f"/search/?q={facts['common'][0]}",
    }
    return pages, facts


COUNT_QUERIES = textwrap.dedent(
    """
    import json
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    client = Client()
    counts = {}
    for name, path in json.loads(PAGES).items():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        counts[name] = [status, len(queries)]
    print(json.dumps(counts))
    """
)


def count_queries(env, pages):
    code = COUNT_QUERIES.replace("PAGES", repr(json.dumps(pages)))
    # The test client calls itself "testserver".
    env = {**env, "PAGE_CACHE_ENABLED": "false", "ALLOWED_HOSTS": "testserver"}
    out = manage(env, "shell", "-c", code, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


EDITOR = textwrap.dedent(
    """
    import sys, time, django
    django.setup()
    from publications.models import Publication
    errors = saves = 0
    deadline = time.monotonic() + float(sys.argv[1])
    ids = list(Publication.objects.published().values_list("pk", flat=True)[:500])
    while time.monotonic() < deadline:
        try:
            publication = Publication.objects.get(pk=ids[saves % len(ids)])
            publication.summary = publication.summary.rstrip(".") + "."
            publication.save()
            saves += 1
        except Exception as exc:  # counted and reported, the run goes on
            errors += 1
            print(repr(exc), file=sys.stderr)
        time.sleep(1)
    print(saves, errors)
    """
)

WRK_SCRIPT = textwrap.dedent(
    """
    local paths = {PATHS}
    local n = 0
    request = function()
      n = n + 1
      return wrk.format("GET", paths[(n % #paths) + 1])
    end
    done = function(summary, latency, requests)
      io.write(string.format(
        "RESULT %d %d %d %d %.1f %.1f %.1f\\n",
        summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
          + summary.errors.timeout, summary.errors.status, summary.duration,
        latency:percentile(50) / 1000, latency:percentile(95) / 1000,
        latency:percentile(99) / 1000))
    end
    """
)


def load_run(port, env, pages, seconds, connections):
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk): load run skipped")
        return None
    paths = [p for name, p in pages.items() if name != "bare Django view"]
    script = Path(tempfile.mkdtemp()) / "pages.lua"
    lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
    script.write_text(WRK_SCRIPT.replace("{PATHS}", lua_paths))
    editor = subprocess.Popen(
        [PYTHON, "-c", EDITOR, str(seconds)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    editor_out, editor_err = editor.communicate(timeout=seconds + 60)
    saves, editor_errors = (int(x) for x in editor_out.split())
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    requests, socket_errors, non_2xx_3xx, duration_us, p50, p95, p99 = line.split()[1:]
    return {
        "requests": int(requests),
        "rps": int(requests) / (int(duration_us) / 1e6),
        "socket errors": int(socket_errors),
        "non-2xx/3xx": int(non_2xx_3xx),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "editor saves": saves,
        "editor errors": editor_errors,
        "editor stderr": editor_err.strip()[-500:],
    }


def print_table(kind, count, uncached, cold, cached, queries, peer):
    print(f"\n### {kind}, {count:,} publications\n")
    print(
        "| page | queries | p50 ms | p95 ms | req/s | no data cache p50 | no data cache p95 "
        "| cached p50 | cached p95 | peer p50 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, row in uncached.items():
        fresh, hit = cold.get(name, {}), cached.get(name, {})
        print(
            f"| {name} | {queries[name][1]} | {row['p50']:.1f} | {row['p95']:.1f} "
            f"| {row['rps']:.0f} | {fresh.get('p50', 0):.1f} | {fresh.get('p95', 0):.1f} "
            f"| {hit.get('p50', 0):.1f} | {hit.get('p95', 0):.1f} | {peer.get(name, '')} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="instead of ph_pages_COUNT: a database of your own (created if missing, migrated; "
        "--db must name its kind)",
    )
    parser.add_argument(
        "--redis-db", type=int, default=14, help="for the page cache: one per concurrent run"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--load", action="store_true", help="add the 60 s wrk run")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    url = args.database_url or database_url(args.db, args.count)
    env = base_env(url, cached=False)
    ensure_database(args.db, url, env)
    import_seconds = None
    if publication_count(env) < args.count:
        import_seconds = load_corpus(args.count, env, args.seed)
    manage(env, "collectstatic", "--noinput", "-v0")
    pages, facts = pick_pages(env, args.seed)
    queries = count_queries(env, pages)

    with gunicorn(env) as (port, pid):
        uncached = time_pages(port, pages, "uncached")
        memory = worker_memory_mb(pid)
    cold_env = base_env(url, cached=False, data_cache=False)
    cold_env["SECRET_KEY"] = env["SECRET_KEY"]
    with gunicorn(cold_env) as (port, pid):
        cold = time_pages(port, pages, "no data cache")
    cached_env = base_env(url, cached=True, redis_db=args.redis_db)
    cached_env["SECRET_KEY"] = env["SECRET_KEY"]
    with gunicorn(cached_env) as (port, pid):
        cached = time_pages(port, pages, "cached")
        load = None
        if args.load:
            load = load_run(port, cached_env, pages, args.load_seconds, args.connections)
    peer = PEER_MS if args.count == 10_000 and args.db == "sqlite" else {}

    if import_seconds is not None:
        print(f"\nimport_content of {args.count:,} publications: {import_seconds:.0f} s")
    print(f"search terms: rare {facts['rare']}, common {facts['common']} (word, matches)")
    print(f"worker memory after the uncached run: {', '.join(f'{m:.0f} MB' for m in memory)}")
    print_table(args.db, args.count, uncached, cold, cached, queries, peer)
    bad = {
        f"{name} ({run})": row["statuses"]
        for run, rows in (("uncached", uncached), ("no data cache", cold))
        for name, row in rows.items()
        if row["statuses"] != [200]
    }
    bad |= {f"{name} (counting)": [code] for name, (code, _) in queries.items() if code != 200}
    if bad:
        print(f"\nnon-200 statuses: {bad}")
    if load:
        print(
            f"\nload ({args.load_seconds} s, {args.connections} connections, cached, editor "
            f"saving every second): {load['rps']:.0f} req/s, p50 {load['p50']:.1f} ms, "
            f"p95 {load['p95']:.1f} ms, p99 {load['p99']:.1f} ms, {load['requests']} requests, "
            f"{load['socket errors']} socket errors, {load['non-2xx/3xx']} non-2xx/3xx, "
            f"{load['editor saves']} saves, {load['editor errors']} editor errors"
        )
        if load["editor stderr"]:
            print(load["editor stderr"])


if __name__ == "__main__":
    main()
