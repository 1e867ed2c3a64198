"""API benchmark: the API's publication list and detail against the HTML pages they mirror.

Usage (a database of its own; wrk from Debian's package):
    .venv/bin/python bench/api_bench.py --count 100000 --db sqlite \
        --database-url sqlite:////tmp/my_api_100000.sqlite3
    .venv/bin/python bench/api_bench.py --count 100000 --db postgres \
        --database-url postgres://postgres@127.0.0.1:5432/my_api_100k --redis-db 12

Loads the corpus as ``pages_bench.py`` does (unless the database holds it), then behind gunicorn
(2 workers, DEBUG off), with the page cache off and then on:
1. single requests, each API URL and its HTML page taking turns (the order swapped every round),
   so a slow minute on a shared machine falls on both and the ratio stays meaningful;
2. without the page cache, wrk on each URL in turn (--wrk-seconds at --connections).
The API's throttle is lifted for the run: it limits one address, and every request here is one.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages_bench as bench

PICK = textwrap.dedent(
    """
    import json
    from django.db.models import Count
    from publications.models import Publication, Topic
    published = Publication.objects.published()
    detail = published.order_by("-published_at").values_list("slug", flat=True)[100]
    topic = (
        Topic.objects.annotate(n=Count("publications"))
        .order_by("-n").values_list("slug", flat=True).first()
    )
    print(json.dumps({"detail": detail, "topic": topic, "total": published.count()}))
    """
)


def pairs(env):
    out = bench.manage(env, "shell", "-c", PICK, capture_output=True, text=True)
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    topic, detail = facts["topic"], facts["detail"]
    return {
        "list page 1": ("/publications/", "/api/v1/publications/"),
        "filtered list": (f"/publications/?topic={topic}", f"/api/v1/publications/?topic={topic}"),
        "detail": (f"/publications/{detail}/", f"/api/v1/publications/{detail}/"),
    }, facts


def time_pairs(port, urls, samples):
    timings = {(name, side): [] for name in urls for side in ("html", "api")}
    statuses = set()
    for round_ in range(bench.WARMUP + samples):
        for name, (html, api) in urls.items():
            order = [("html", html), ("api", api)]
            for side, path in order if round_ % 2 else order[::-1]:
                started = time.perf_counter()
                status, _ = bench.fetch(port, path)
                elapsed = (time.perf_counter() - started) * 1000
                statuses.add(status)
                if round_ >= bench.WARMUP:
                    timings[name, side].append(elapsed)
    return {
        key: {"p50": statistics.median(values), "p95": bench.percentile(values, 0.95)}
        for key, values in timings.items()
    }, statuses


WRK_SCRIPT = textwrap.dedent(
    """
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


def wrk(port, path, seconds, connections):
    script = Path(tempfile.mkdtemp()) / "report.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
        + ["-H", "Accept-Encoding: gzip", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    requests, errors, non_2xx, duration_us, p50, p95, p99 = line.split()[1:]
    return {
        "rps": int(requests) / (int(duration_us) / 1e6),
        "errors": int(errors) + int(non_2xx),
        "p50": float(p50),
        "p95": float(p95),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", metavar="URL")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    url = args.database_url or bench.database_url(args.db, args.count)
    env = bench.base_env(url, cached=False)
    env["API_THROTTLE_RATE"] = "100000000/min"
    bench.ensure_database(args.db, url, env)
    if bench.publication_count(env) < args.count:
        bench.load_corpus(args.count, env, args.seed)
    bench.manage(env, "collectstatic", "--noinput", "-v0")
    urls, facts = pairs(env)
    print(f"{facts['total']:,} published publications; {json.dumps(urls)}")

    results = {}
    with bench.gunicorn(env) as (port, _):
        results["page cache off"] = time_pairs(port, urls, args.samples)
        loads = {}
        if bench.shutil.which("wrk"):
            for name, (html, api) in urls.items():
                loads[name, "html"] = wrk(port, html, args.wrk_seconds, args.connections)
                loads[name, "api"] = wrk(port, api, args.wrk_seconds, args.connections)
        else:
            print("wrk is not installed (apt-get install wrk): load runs skipped")
    cached_env = bench.base_env(url, cached=True, redis_db=args.redis_db)
    cached_env.update(API_THROTTLE_RATE=env["API_THROTTLE_RATE"], SECRET_KEY=env["SECRET_KEY"])
    with bench.gunicorn(cached_env) as (port, _):
        results["page cache on"] = time_pairs(port, urls, args.samples)

    for mode, (timings, statuses) in results.items():
        print(f"\n{mode} (statuses {sorted(statuses)}), single requests, ms\n")
        print("| page | HTML p50 | HTML p95 | API p50 | API p95 | API/HTML p95 |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in urls:
            html, api = timings[name, "html"], timings[name, "api"]
            print(
                f"| {name} | {html['p50']:.1f} | {html['p95']:.1f} | {api['p50']:.1f} "
                f"| {api['p95']:.1f} | {api['p95'] / html['p95']:.2f} |"
            )
    if loads:
        print(f"\nwrk, {args.wrk_seconds} s at {args.connections} connections, page cache off\n")
        print(
            "| page | HTML req/s | HTML p50 | HTML p95 | API req/s | API p50 | API p95 | errors |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name in urls:
            html, api = loads[name, "html"], loads[name, "api"]
            print(
                f"| {name} | {html['rps']:.0f} | {html['p50']:.1f} | {html['p95']:.1f} "
                f"| {api['rps']:.0f} | {api['p50']:.1f} | {api['p95']:.1f} "
                f"| {html['errors'] + api['errors']} |"
            )


if __name__ == "__main__":
    main()
