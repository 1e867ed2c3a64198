"""Peer benchmark: PolicyHub against a stock Wagtail site, nothing cached on either side (issue 15).

Usage (the peer already running, 2 gunicorn workers; see bench/README.md, "Against a stock
Wagtail site", for how it is built; wrk from Debian's package):
    .venv/bin/python bench/peer_bench.py --peer http://127.0.0.1:8765 \
        --peer-paths /tmp/peer/paths.json [--database-url sqlite:////tmp/perf_10k.sqlite3] \
        [--rounds 3] [--seconds 10] [--samples 40]

PolicyHub runs under gunicorn with 2 workers, DEBUG off, page cache and data cache off, on the
database given (migrated, then ANALYZE). Its pages are picked as pages_bench.py picks them (the
101st newest publication, the rarest tail word that matches, the word in about 30% of
documents), plus the tag most publications carry. The peer's paths come from a JSON file,
{page name: path}, with the same page names; a path may use {detail}, {tag}, {rare} and
{common}, filled with PolicyHub's picks, so both sites show the same publication, tag and words.

For each page, the two servers take turns: single requests alternating one to one (5 warm-up
each, then --samples each, or as many as fit in --serial-seconds), then --rounds rounds of wrk,
4 connections for --seconds each, PolicyHub then the peer. Requests carry no Accept-Encoding,
as wrk's do. Every serial response must be a 200 of at least --min-bytes bytes and wrk must
see no errors, on both sides, or the page is flagged in the table.
"""

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages_bench import WRK_SCRIPT, base_env, gunicorn, manage, percentile, pick_pages

PAGES = (
    ("home", "/"),
    ("list page 1", "/publications/"),
    ("list by tag", "/publications/?tag={tag}"),
    ("detail", "/publications/{detail}/"),
    ("search rare", "/search/?q={rare}"),
    ("search by date", "/search/?q={common}&sort=date"),
    ("list page 50", "/publications/?page=50"),
    ("search ranked (common word)", "/search/?q={common}"),
)
WARMUP = 5

PICK_TAG = textwrap.dedent(
    """
    from django.db import connection
    from django.db.models import Count
    from publications.models import Publication
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        Publication.objects.published().values("tags__slug").annotate(n=Count("pk"))
        .order_by("-n").values_list("tags__slug", flat=True)[0]
    )
    """
)


def get(host, port, path):
    """One GET without compression: (status, bytes, milliseconds)."""
    connection = http.client.HTTPConnection(host, port, timeout=120)
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body), (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def serial(sites, args):
    """Single requests alternating between the sites: {site: {p50, p95, n, statuses, bytes}}."""
    for _ in range(WARMUP):
        for host, port, path in sites.values():
            get(host, port, path)
    runs = {name: [] for name in sites}
    deadline = time.monotonic() + args.serial_seconds
    while len(runs["PolicyHub"]) < args.samples and time.monotonic() < deadline:
        for name, (host, port, path) in sites.items():
            runs[name].append(get(host, port, path))
    return {
        name: {
            "p50": statistics.median(ms for _, _, ms in rows),
            "p95": percentile([ms for _, _, ms in rows], 0.95),
            "n": len(rows),
            "statuses": sorted({status for status, _, _ in rows}),
            "bytes": min(size for _, size, _ in rows),
        }
        for name, rows in runs.items()
    }


def wrk(host, port, path, seconds):
    script = Path(tempfile.mkdtemp()) / "page.lua"
    script.write_text(WRK_SCRIPT.replace("{PATHS}", "{" + json.dumps(path) + "}"))
    out = subprocess.run(
        ["wrk", "-t2", "-c4", f"-d{seconds}s", "--timeout", "60s", "-s", str(script)]
        + [f"http://{host}:{port}"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT"))
    requests, errors, non_2xx, duration_us, p50, _, _ = line.split()[1:]
    return {
        "requests": int(requests),
        "errors": int(errors) + int(non_2xx),
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50": float(p50),
    }


def load(sites, args):
    """--rounds rounds of wrk, the sites in turn: median p50 (of rounds that finished a request)
    and req/s per site."""
    rounds = {name: [] for name in sites}
    for _ in range(args.rounds):
        for name, (host, port, path) in sites.items():
            rounds[name].append(wrk(host, port, path, args.seconds))
    summary = {}
    for name, rows in rounds.items():
        done = [r for r in rows if r["requests"]]
        summary[name] = {
            "p50": statistics.median(r["p50"] for r in done) if done else None,
            "rps": statistics.median(r["rps"] for r in rows),
            "errors": sum(r["errors"] for r in rows),
            "empty": sum(not r["requests"] for r in rows),
        }
    return summary


def load_cell(row):
    return f"{row['p50']:.1f} / {row['rps']:.1f}" if row["p50"] is not None else "none finished"


def problems(row, args):
    bad = []
    if row["statuses"] != [200]:
        bad.append(f"statuses {row['statuses']}")
    if row["bytes"] < args.min_bytes:
        bad.append(f"{row['bytes']} bytes")
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", required=True, metavar="URL", help="http://127.0.0.1:PORT")
    parser.add_argument("--peer-paths", required=True, metavar="FILE", type=Path)
    parser.add_argument("--database-url", default="sqlite:////tmp/perf_10k.sqlite3")
    parser.add_argument("--seed", type=int, default=7, help="the corpus's, for the search words")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--serial-seconds", type=float, default=120, help="cap per page")
    parser.add_argument("--min-bytes", type=int, default=2000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    peer = urlsplit(args.peer)
    peer_paths = json.loads(args.peer_paths.read_text())
    missing = [name for name, _ in PAGES if name not in peer_paths]
    if missing:
        sys.exit(f"{args.peer_paths} has no path for: {', '.join(missing)}")

    env = base_env(args.database_url, cached=False, data_cache=False)
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    out = manage(env, "shell", "-c", PICK_TAG, capture_output=True, text=True)
    _, facts = pick_pages(env, args.seed)
    picks = {
        "tag": out.stdout.strip().splitlines()[-1],
        "detail": facts["detail"],
        "rare": facts["rare"][0],
        "common": facts["common"][0],
    }
    print(f"picks: {picks}; matches in PolicyHub: rare {facts['rare'][1]}, ", end="")
    print(f"common {facts['common'][1]}, of {facts['total']} published")

    results = {}
    with gunicorn(env) as (port, _):
        for name, path in PAGES:
            sites = {
                "PolicyHub": ("127.0.0.1", port, path.format(**picks)),
                "peer": (peer.hostname, peer.port, peer_paths[name].format(**picks)),
            }
            print(f"{name}: {sites['PolicyHub'][2]} | {sites['peer'][2]}", flush=True)
            results[name] = (serial(sites, args), load(sites, args))

    print(
        f"\nms; serial: single requests alternating, p50 / p95 (n); wrk: 4 connections, "
        f"{args.rounds} × {args.seconds} s each in turn, median round\n"
    )
    print(
        "| page | PolicyHub serial p50 / p95 | peer serial p50 / p95 | PolicyHub wrk p50 / req/s "
        "| peer wrk p50 / req/s | ratio (serial p50) | bytes | check |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, (ser, wrk_) in results.items():
        ph, pe = ser["PolicyHub"], ser["peer"]
        bad = [f"PolicyHub {x}" for x in problems(ph, args)]
        bad += [f"peer {x}" for x in problems(pe, args)]
        bad += [f"{site} wrk errors {w['errors']}" for site, w in wrk_.items() if w["errors"]]
        bad += [
            f"{site}: {w['empty']} wrk runs finished no request"
            for site, w in wrk_.items()
            if w["empty"]
        ]
        print(
            f"| {name} | {ph['p50']:.1f} / {ph['p95']:.1f} ({ph['n']}) "
            f"| {pe['p50']:.1f} / {pe['p95']:.1f} ({pe['n']}) "
            f"| {load_cell(wrk_['PolicyHub'])} | {load_cell(wrk_['peer'])} "
            f"| {ph['p50'] / pe['p50']:.2f} | {ph['bytes']:,} / {pe['bytes']:,} "
            f"| {'; '.join(bad) or 'ok'} |"
        )


if __name__ == "__main__":
    main()
