"""The restore drill: back up, damage the site, restore, and find everything as it was."""

import json
import os
import sqlite3
import stat
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image
from taggit.models import Tag

from options.models import PolicyOption
from policyhub.operations.backup import current_counts
from publications.models import Publication
from tests.factories import (
    DocumentFactory,
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)
from tests.office_files import make_xlsx

# Real commits: the backup reads the database from outside the test's transaction (pg_dump).
pytestmark = pytest.mark.django_db(transaction=True)


def png_bytes(colour):
    buffer = BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site(settings):
    """Publications with tags and authors, an option citing one, and an uploaded image."""
    ana, ben = PersonFactory(name="Ana Ortiz"), PersonFactory(name="Ben Kim")
    brief = PublicationFactory(
        title="Sanctions relief, step by step",
        body="<p>First <strong>sequenced</strong> relief.</p>",
        tags=["sanctions", "Korea"],
        authors=[ana, ben],
        hero_image=ContentFile(png_bytes("navy"), name="relief.png"),
    )
    report = PublicationFactory(title="Ceasefire lines", tags=["ceasefire"], authors=[ben])
    option = PolicyOptionFactory(title="Phase out sanctions", tags=["sanctions"])
    OptionSourceFactory(option=option, publication=brief, stance="supports", quote="step by step")
    document = DocumentFactory(title="Relief, the full study", file=pdf_upload(["Findings"]))
    PublicationDocumentFactory(publication=brief, document=document)
    sheet = make_xlsx({"Relief": [["Step", 1]]})
    tables = DocumentFactory(file=SimpleUploadedFile("tables.xlsx", sheet))
    PublicationDocumentFactory(publication=brief, document=tables, order=1)
    return {"brief": brief, "report": report, "option": option, "document": document}


def media_files(settings, root=None):
    root = Path(root or settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def content(settings):
    """What an editor would check by hand after a restore."""
    return {
        "publications": sorted(
            (
                p.slug,
                p.title,
                p.body,
                p.status,
                sorted(p.tags.names()),
                [a.person.name for a in p.authorships.order_by("order")],
                p.hero_image.name,
            )
            for p in Publication.objects.all()
        ),
        "options": sorted(
            (
                o.slug,
                o.title,
                sorted(o.tags.names()),
                sorted((s.publication.slug, s.stance, s.quote) for s in o.source_links.all()),
            )
            for o in PolicyOption.objects.all()
        ),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "media": media_files(settings),
        "documents": media_files(settings, settings.DOCUMENTS_ROOT),
    }


def make_backup(folder):
    out = StringIO()
    call_command("backup", str(folder), stdout=out)
    return json.loads((folder / "manifest.json").read_text()), out.getvalue()


def damage(site, settings):
    brief = site["brief"]
    brief.title = "Vandalised"
    brief.body = "<p>gone</p>"
    brief.save()
    brief.tags.set(["spam"])
    site["report"].delete()
    Tag.objects.filter(name="ceasefire").delete()
    PublicationFactory(title="Written after the backup")
    image = Path(settings.MEDIA_ROOT) / brief.hero_image.name
    image.write_bytes(png_bytes("red"))
    (image.parent / "stray.txt").write_text("added after the backup")
    (Path(settings.DOCUMENTS_ROOT) / site["document"].file.name).write_bytes(b"overwritten")


def test_restore_drill_brings_back_counts_and_content(site, settings, tmp_path):
    before = content(settings)
    manifest, output = make_backup(tmp_path / "backup")

    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["publications.publication"] == 2
    assert manifest["counts"]["options.optionsource"] == 1
    assert manifest["counts"]["taggit.tag"] == 3
    # The upload, and its WebP and JPEG renditions (one width: the image is 4 pixels wide).
    assert manifest["media"]["files"] == 3
    # The PDF and its cover's WebP and JPEG renditions at two widths; the spreadsheet.
    assert manifest["documents"]["files"] == 6
    assert set(manifest["files"]) == {
        "media.tar.gz",
        "documents.tar.gz",
        "db.sqlite3" if connection.vendor == "sqlite" else "db.dump",
    }
    assert "Backed up" in output

    damage(site, settings)
    assert content(settings) != before
    assert current_counts() != manifest["counts"]

    out = StringIO()
    call_command("restore", str(tmp_path / "backup"), force=True, stdout=out)

    assert "checksums verified" in out.getvalue()
    assert "counts match the manifest" in out.getvalue()
    assert current_counts() == manifest["counts"]
    assert content(settings) == before
    # The site works on the restored data.
    assert Publication.objects.published().count() == 2


def test_restore_refuses_to_overwrite_without_force(site, settings, tmp_path):
    make_backup(tmp_path / "backup")
    damage(site, settings)
    after_damage = content(settings)

    with pytest.raises(CommandError, match="without --force"):
        call_command("restore", str(tmp_path / "backup"), interactive=False)

    assert content(settings) == after_damage


def test_restore_refuses_a_damaged_backup_before_touching_anything(site, settings, tmp_path):
    make_backup(tmp_path / "backup")
    archive = tmp_path / "backup" / "media.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    damage(site, settings)
    after_damage = content(settings)

    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "backup"), force=True)

    assert content(settings) == after_damage


def test_restore_refuses_a_folder_without_manifest(tmp_path):
    (tmp_path / "half").mkdir()

    with pytest.raises(CommandError, match="manifest"):
        call_command("restore", str(tmp_path / "half"), force=True)


@pytest.fixture
def permissive_umask():
    """A umask that takes nothing away: files would be 0666 and folders 0777 by default."""
    previous = os.umask(0o000)
    yield
    os.umask(previous)


@pytest.mark.parametrize("existing", [False, True])
def test_a_backup_is_readable_by_its_owner_only(site, tmp_path, permissive_umask, existing):
    folder = tmp_path / "backup"
    if existing:  # an empty folder made beforehand keeps no looser mode either
        folder.mkdir(mode=0o777)
    make_backup(folder)

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    # The database file, the media and documents archives, the manifest.
    assert len(modes) == 4
    assert {"media.tar.gz", "documents.tar.gz", "manifest.json"} < set(modes)
    assert modes == dict.fromkeys(modes, 0o600)


def test_backup_refuses_a_folder_that_is_not_empty(site, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "old"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup file format")
def test_sqlite_backup_is_one_consistent_self_contained_file(site, tmp_path):
    manifest, _ = make_backup(tmp_path / "backup")

    files = sorted(path.name for path in (tmp_path / "backup").iterdir())
    assert files == ["db.sqlite3", "documents.tar.gz", "manifest.json", "media.tar.gz"]
    with sqlite3.connect(tmp_path / "backup" / "db.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        titles = copy.execute("SELECT title FROM publications_publication").fetchall()
    assert sorted(title for (title,) in titles) == [
        "Ceasefire lines",
        "Sanctions relief, step by step",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump's command line")
def test_pg_dump_gets_the_password_from_the_environment_not_the_command_line(
    site, tmp_path, monkeypatch
):
    calls = []

    def fake_pg_dump(args, env, *rest):
        calls.append((args, env))
        [target] = [arg.removeprefix("--file=") for arg in args if arg.startswith("--file=")]
        Path(target).write_bytes(b"dump")

    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-pw")
    monkeypatch.setattr("policyhub.operations.backup._run_with_progress", fake_pg_dump)

    make_backup(tmp_path / "backup")

    [(args, env)] = calls
    assert args[:2] == ["pg_dump", "--format=custom"]
    assert not any("s3cret-pw" in arg for arg in args)
    assert env["PGPASSWORD"] == "s3cret-pw"
    assert connection.settings_dict["NAME"] in args  # the test database, never another one
