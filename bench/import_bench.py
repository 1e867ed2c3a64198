"""Time ``manage.py import_content`` of N synthetic publications into a fresh database.

    .venv/bin/python bench/import_bench.py 10000 100000                       # SQLite
    .venv/bin/python bench/import_bench.py 10000 --postgres postgres://postgres@127.0.0.1:5432/ph_import_bench

Each run generates the corpus (``bench/make_corpus.py``, cached in /tmp), creates an empty
database (SQLite: a new file; PostgreSQL: DROP and CREATE of the named database, which must not
be one you use), migrates it, then times the import as a separate process — wall clock and CPU —
including the search index built once at the end, then the same file imported again (nothing
changes). Figures are recorded by hand in bench/README.md.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def corpus(count, seed):
    path = Path(tempfile.gettempdir()) / f"policyhub-corpus-{count}-{seed}.jsonl"
    if not path.exists():
        subprocess.run(
            [
                PYTHON,
                str(ROOT / "bench" / "make_corpus.py"),
                str(count),
                str(path),
                "--seed",
                str(seed),
            ],
            check=True,
        )
    return path


def fresh_database(url):
    if url.startswith("sqlite:"):
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True)


def timed(args, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode:
        sys.exit(f"import failed:\n{result.stderr[-3000:]}")
    return wall, cpu, result.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", type=int, nargs="+")
    parser.add_argument("--postgres", metavar="URL", help="a throwaway PostgreSQL database URL")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for count in args.counts:
        path = corpus(count, args.seed)
        url = args.postgres or f"sqlite:///{tempfile.gettempdir()}/policyhub-import-{count}.sqlite3"
        fresh_database(url)
        env = {**os.environ, "DATABASE_URL": url}
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        command = [*manage, "import_content", str(path), "--no-progress"]
        backend = url.split(":")[0]
        for label in ("import", "again"):
            wall, cpu, out = timed(command, env)
            print(
                f"{count:>7} {backend:<10} {label:<6} wall {wall:6.1f} s  cpu {cpu:6.1f} s  {out}"
            )


if __name__ == "__main__":
    main()
