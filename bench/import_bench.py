"""Time ``manage.py import_content`` of N synthetic publications into a fresh database.

    .venv/bin/python bench/import_bench.py 10000 100000                       # SQLite
    .venv/bin/python bench/import_bench.py 10000 --postgres postgres://postgres@127.0.0.1:5432/ph_import_bench

Each run generates the corpus (``bench/make_corpus.py``, cached in /tmp), creates an empty
database (SQLite: a new file; PostgreSQL: DROP and CREATE of the named database, which must not
be one you use), migrates it, then times the import as a separate process — wall clock and CPU —
including the search index built once at the end, then the same file imported again (nothing
changes). On PostgreSQL (same machine) it also reads the CPU time of the server processes serving
that database, from /proc every 0.2 s (a process that ends between two readings loses at most
that much). Figures are recorded by hand in bench/README.md.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
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


def server_processes(database):
    """{(pid, start time): CPU seconds} of the PostgreSQL backends connected to ``database``."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if not command.startswith("postgres") or f" {database} " not in command:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[(proc.name, fields[19])] = (int(fields[11]) + int(fields[12])) / tick
    return found


class ServerCPU(threading.Thread):
    def __init__(self, database):
        super().__init__(daemon=True)
        self.database, self.seen, self.done = database, {}, threading.Event()
        self.before = server_processes(database)

    def run(self):
        while not self.done.wait(0.2):
            self.seen.update(server_processes(self.database))

    def stop(self):
        self.done.set()
        self.join()
        self.seen.update(server_processes(self.database))
        return sum(cpu - self.before.get(key, 0) for key, cpu in self.seen.items())


def timed(args, env, database=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = ServerCPU(database) if database else None
    if server:
        server.start()
    start = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    server_cpu = server.stop() if server else None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode:
        sys.exit(f"import failed:\n{result.stderr[-3000:]}")
    return wall, cpu, server_cpu, result.stdout.strip()


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
        database = urlsplit(url).path.lstrip("/") if args.postgres else None
        for label in ("import", "again"):
            load = os.getloadavg()[0]
            wall, cpu, server_cpu, out = timed(command, env, database)
            server = f"  server cpu {server_cpu:6.1f} s" if database else ""
            print(
                f"{count:>7} {backend:<10} {label:<6} wall {wall:6.1f} s  cpu {cpu:6.1f} s"
                f"{server}  load {load:.1f}-{os.getloadavg()[0]:.1f}  {out}"
            )


if __name__ == "__main__":
    main()
