"""Backup and restore of the database and the media folder (`manage.py backup` / `restore`).

A backup is a folder: the database (SQLite: a copy made by SQLite's online backup API, which is
consistent while the site writes, unlike a file copy that can miss the WAL; PostgreSQL: a
`pg_dump --format=custom` archive), `media.tar.gz`, `documents.tar.gz` (``DOCUMENTS_ROOT``) and
`manifest.json` (written last, so a folder without one is an unfinished backup) with the time,
the engine, row counts per model and the SHA-256 of every file. Restore checks the checksums
before it touches anything and the counts after.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from tqdm import tqdm

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
MEDIA_ARCHIVE = "media.tar.gz"
# Documents (report PDFs) live outside MEDIA_ROOT (policyhub/documents): their own archive.
DOCUMENTS_ARCHIVE = "documents.tar.gz"
DATABASE_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


def model_tables():
    """Every table Django manages, by model label (many-to-many tables included)."""
    return {
        model._meta.label_lower: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }


def count_rows(cursor, tables):
    counts = {}
    for label, table in sorted(tables.items()):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - table names from models
        counts[label] = cursor.fetchone()[0]
    return counts


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _private_file(path):
    """Create ``path`` empty and readable by its owner only, whatever the umask: a backup holds
    password hashes and sessions. SQLite, pg_dump and tarfile then write into it, keeping the
    mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # unlike the mode above, not narrowed by the umask
    finally:
        os.close(descriptor)
    return path


def _engine(connection):
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _sqlite_copy(source, target, desc):
    """Page-by-page copy through SQLite's backup API, with a progress bar."""
    with tqdm(desc=desc, unit="page", disable=None) as bar:

        def progress(status, remaining, total):
            bar.total = total
            bar.n = total - remaining
            bar.refresh()

        source.backup(target, pages=1024, progress=progress)


def _postgres_env(connection):
    """libpq environment for pg_dump/pg_restore: the password never goes on the command line."""
    settings_dict = connection.settings_dict
    _, client_env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(client_env or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if "connect_timeout" in settings_dict["OPTIONS"]:
        env["PGCONNECT_TIMEOUT"] = str(settings_dict["OPTIONS"]["connect_timeout"])
    return env


def _run_with_progress(args, env, desc, total, marker):
    """Run pg_dump/pg_restore --verbose; each stderr line containing `marker` advances the bar."""
    lines = []
    with (
        subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        ) as process,
        tqdm(desc=desc, total=total, unit="table", disable=None) as bar,
    ):
        for line in process.stderr:
            lines.append(line.rstrip())
            if marker in line:
                bar.update(1)
    if process.returncode != 0:
        errors = [line for line in lines if "error" in line.lower()] or lines[-5:]
        raise BackupError(f"{args[0]} failed:\n" + "\n".join(errors[-10:]))


# Backup ----------------------------------------------------------------------------------------


def _backup_sqlite(connection, path):
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        _sqlite_copy(connection.connection, target, "database")
        # One self-contained file: no -wal/-shm beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        # Counted in the copy itself, so the manifest describes exactly what was saved.
        return count_rows(target.cursor(), model_tables())
    finally:
        target.close()


def _backup_postgresql(connection, path):
    # Counts and dump share one exported snapshot: both see the same data even while editors write.
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = model_tables()
            counts = count_rows(cursor, tables)
        _run_with_progress(
            [
                "pg_dump",
                "--format=custom",
                "--no-password",
                "--verbose",
                f"--snapshot={snapshot}",
                f"--file={path}",
                connection.settings_dict["NAME"],
            ],
            _postgres_env(connection),
            "database",
            len(tables),
            "dumping contents of table",
        )
        return counts
    finally:
        raw.rollback()
        raw.close()


def _media_files(root):
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _backup_media(path, root=None, desc="media"):
    root = Path(root or settings.MEDIA_ROOT)
    files = _media_files(root)
    with tarfile.open(path, "w:gz") as tar:
        for file in tqdm(files, desc=desc, unit="file", disable=None):
            tar.add(file, arcname=file.relative_to(root).as_posix())
    return {"files": len(files), "bytes": sum(file.stat().st_size for file in files)}


def backup(destination, using="default"):
    """Write a complete backup into `destination` (new or empty folder); return the manifest."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty; back up into a new folder.")
    destination.chmod(0o700)  # for its owner only, like every file written below
    connection = connections[using]
    engine = _engine(connection)
    database_file = DATABASE_FILES[engine]
    started = datetime.now(UTC)
    if engine == "sqlite":
        counts = _backup_sqlite(connection, _private_file(destination / database_file))
    else:
        counts = _backup_postgresql(connection, _private_file(destination / database_file))
    media = _backup_media(_private_file(destination / MEDIA_ARCHIVE))
    documents = _backup_media(
        _private_file(destination / DOCUMENTS_ARCHIVE), settings.DOCUMENTS_ROOT, desc="documents"
    )
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": started.isoformat(),
        "engine": engine,
        "database": connection.settings_dict["NAME"]
        if engine == "postgresql"
        else Path(str(connection.settings_dict["NAME"])).name,
        "django": django.get_version(),
        "counts": counts,
        "media": media,
        "documents": documents,
        "files": {
            name: {
                "sha256": sha256(destination / name),
                "bytes": (destination / name).stat().st_size,
            }
            for name in (database_file, MEDIA_ARCHIVE, DOCUMENTS_ARCHIVE)
        },
    }
    _private_file(destination / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )
    return manifest


# Restore ---------------------------------------------------------------------------------------


def read_manifest(source):
    """The manifest of the backup in `source`, after checking every file's checksum."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"No {MANIFEST} in {source}: not a (complete) backup.") from None
    except ValueError as exc:
        raise BackupError(f"{source / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if sha256(path) != expected["sha256"]:
            raise BackupError(f"{path} does not match its checksum in the manifest: damaged.")
    return manifest


def _restore_sqlite(connection, path):
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _sqlite_copy(source, connection.connection, "database")
    finally:
        source.close()


def _restore_postgresql(connection, path, tables):
    if not connection.in_atomic_block:
        # Our own idle connection would only be in the way of DROP TABLE.
        connection.close()
    _run_with_progress(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            # All or nothing: a failed restore leaves the database as it was.
            "--single-transaction",
            "--no-password",
            "--verbose",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        _postgres_env(connection),
        "database",
        len(tables),
        "processing data for table",
    )


def _restore_media(path, root=None, desc="media"):
    """Replace MEDIA_ROOT (or ``root``) with the archive's content (files added since the backup
    go too)."""
    root = Path(root or settings.MEDIA_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}-restore-", dir=root.parent))
    # mkdtemp makes a private (0700) folder; the web server that serves media must still read it.
    staging.chmod(stat.S_IMODE(root.stat().st_mode) if root.exists() else 0o755)
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = tar.getmembers()
            for member in tqdm(members, desc=desc, unit="file", disable=None):
                # The "data" filter refuses absolute paths, "..", devices and links outside.
                tar.extract(member, staging, filter="data")
        if root.exists():
            old = root.with_name(f".{root.name}-before-restore")
            shutil.rmtree(old, ignore_errors=True)
            root.rename(old)
            staging.rename(root)
            shutil.rmtree(old)
        else:
            staging.rename(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def current_counts(using="default"):
    with connections[using].cursor() as cursor:
        return count_rows(cursor, model_tables())


def restore(source, manifest, using="default"):
    """Replace the database and media with a checked backup; return count mismatches (none: ok)."""
    source = Path(source)
    connection = connections[using]
    engine = _engine(connection)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database; this site uses {engine}."
        )
    database_file = source / DATABASE_FILES[engine]
    if engine == "sqlite":
        _restore_sqlite(connection, database_file)
    else:
        _restore_postgresql(connection, database_file, manifest["counts"])
    _restore_media(source / MEDIA_ARCHIVE)
    # Backups made before documents existed have no archive of them: those stay as they are.
    if DOCUMENTS_ARCHIVE in manifest["files"]:
        _restore_media(source / DOCUMENTS_ARCHIVE, settings.DOCUMENTS_ROOT, desc="documents")
    # Cached pages describe the data that was just replaced.
    cache.clear()
    counts = current_counts(using)
    return {
        label: (expected, counts.get(label))
        for label, expected in manifest["counts"].items()
        if counts.get(label) != expected
    }
