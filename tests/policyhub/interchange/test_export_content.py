"""export_content: the documented format; export, import, export gives the same bytes."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from taggit.models import Tag

from options.models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track
from policyhub.interchange.parsing import KINDS, Parser
from publications.models import (
    Authorship,
    Expertise,
    Person,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    Topic,
)
from tests.factories import (
    ActorFactory,
    ExpertiseFactory,
    PersonFactory,
    PolicyOptionFactory,
    ProfileLinkFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    image_file,
    publication_line,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    ann = PersonFactory(
        name="Ann Ä. Author",
        bio="Writes «quietly».",
        kind="fellow",
        languages="English, Korean",
        email="ann@example.org",
        show_email=True,
    )
    ann.expertise.set([ExpertiseFactory(name="Sanctions"), ExpertiseFactory(name="Aid")])
    ProfileLinkFactory(person=ann, url="https://orcid.org/0000-0002-1825-0097", order=0)
    ProfileLinkFactory(person=ann, url="https://example.org/ann", label="Notes", order=1)
    bo = PersonFactory(name="Bo", bio="")
    scheduled = PublicationFactory(
        slug="zeta",
        title="Zeta",
        status="published",
        published_at=timezone.now() + timedelta(days=5),
        body='<p>Body <a href="https://example.org">link</a></p>',
        source_note="From elsewhere",
        media="https://youtu.be/dQw4w9WgXcQ Launch event\n\nhttps://vimeo.com/76979871",
    )
    draft = PublicationFactory(slug="alpha", title="Alpha", status="draft", published_at=None)
    middle = PublicationFactory(
        slug="mid", published_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    )
    Authorship.objects.create(publication=middle, person=bo, order=0)
    Authorship.objects.create(publication=middle, person=ann, order=1)
    middle.topics.add(TopicFactory(name="Trade"), TopicFactory(name="Aid"))
    middle.regions.add(RegionFactory(name="Korea"))
    middle.tags.add("zebra", "Apple", "banana")
    RelatedPublication.objects.create(from_publication=middle, to_publication=scheduled, order=0)
    RelatedPublication.objects.create(from_publication=middle, to_publication=draft, order=1)
    first = PolicyOptionFactory(slug="b-opt", real_world_status="adopted")
    second = PolicyOptionFactory(slug="a-opt", status="draft", published_at=None)
    first.actors.add(ActorFactory(name="UN"), ActorFactory(name="EU"))
    first.prerequisites.add(second)
    first.tags.add("Diplomacy")
    OptionSource.objects.create(option=first, publication=middle, stance="supports", note="n")
    OptionSource.objects.create(option=first, publication=draft, stance="opposes", order=1)
    return middle


def export_text(tmp_path, name="out.jsonl"):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    call_command("export_content", str(path))
    return path.read_bytes()


def test_format_is_documented_and_parses_back(tmp_path, content):
    lines = export_text(tmp_path).decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    items = [(r["kind"], r["slug"]) for r in records if r["kind"] in ("publication", "option")]
    assert items == [
        ("publication", "alpha"),
        ("publication", "mid"),
        ("publication", "zeta"),
        ("option", "a-opt"),
        ("option", "b-opt"),
    ]
    kinds = [r["kind"] for r in records]
    # Each kind before the kinds that name it, so the file imports in one pass.
    assert kinds == sorted(kinds, key=list(KINDS).index)
    mid = next(r for r in records if r.get("slug") == "mid")
    assert list(mid) == [
        "kind",
        "slug",
        "title",
        "type",
        "summary",
        "body",
        "status",
        "published",
        "authors",
        "topics",
        "regions",
        "tags",
        "related",
    ]
    assert mid["published"] == "2024-01-02T03:04:05.678901Z"
    assert mid["authors"] == [{"name": "Bo"}, {"name": "Ann Ä. Author"}]
    people = {r["name"]: r for r in records if r["kind"] == "person"}
    assert people["Ann Ä. Author"]["bio"] == "Writes «quietly»."
    assert "bio" not in people["Bo"]  # empty values are left out, so an import keeps a bio
    ann = people["Ann Ä. Author"]
    assert (ann["institute_role"], ann["expertise"]) == ("fellow", ["Aid", "Sanctions"])
    assert (ann["languages"], ann["email"], ann["show_email"]) == (
        "English, Korean",
        "ann@example.org",
        True,
    )
    assert ann["links"] == [
        {"url": "https://orcid.org/0000-0002-1825-0097"},
        {"url": "https://example.org/ann", "label": "Notes"},
    ]
    assert (mid["topics"], mid["regions"]) == (["Aid", "Trade"], ["Korea"])
    assert mid["tags"] == ["Apple", "banana", "zebra"]
    assert ("source" not in mid, mid["related"]) == (True, ["zeta", "alpha"])
    alpha = next(r for r in records if r.get("slug") == "alpha")
    assert "published" not in alpha and alpha["status"] == "draft"
    zeta = next(r for r in records if r.get("slug") == "zeta")
    assert zeta["source"] == "From elsewhere"
    assert zeta["media"] == [
        "https://youtu.be/dQw4w9WgXcQ Launch event",
        "https://vimeo.com/76979871",
    ]
    option = next(r for r in records if r.get("slug") == "b-opt")
    assert option["actors"] == ["EU", "UN"]
    assert option["prerequisites"] == ["a-opt"]
    assert option["sources"] == [
        {"publication": "mid", "stance": "supports", "note": "n"},
        {"publication": "alpha", "stance": "opposes"},
    ]
    assert option["real_world_status"] == "adopted"
    assert any("Ä" in line for line in lines)  # UTF-8, not \\u escapes
    parser = Parser()
    assert all(
        type(parser.parse(n, line)).__name__.endswith("Record") for n, line in enumerate(lines, 1)
    )


def empty_the_database():
    for model in (OptionSource, PolicyOption, Publication):
        model.objects.all().delete()
    for model in (
        PolicyQuestion, Track, Actor, Person, Expertise, Topic, Region, PublicationType, Tag
    ):  # fmt: skip
        model.objects.all().delete()


def test_round_trip_is_byte_identical(tmp_path, content):
    first = export_text(tmp_path, "first.jsonl")
    empty_the_database()
    assert not Publication.objects.exists()
    call_command("import_content", str(tmp_path / "first.jsonl"), "--no-progress", "--strict")
    second = export_text(tmp_path, "second.jsonl")
    assert second == first
    assert Publication.objects.count() == 3 and PolicyOption.objects.count() == 2


def test_export_to_stdout(capsys, content):
    call_command("export_content", "-")
    out = capsys.readouterr().out
    assert sum('"kind": "publication"' in line for line in out.splitlines()) == 3
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_export_query_count_does_not_grow(tmp_path, django_assert_max_num_queries, content):
    for i in range(20):
        PublicationFactory(slug=f"extra-{i}").tags.add("x")
    # Two queries per chunk for each kind's rows, plus one per prefetched relation.
    with django_assert_max_num_queries(30):
        export_text(tmp_path)
    assert connection.vendor in {"sqlite", "postgresql"}


def test_images_are_exported_beside_the_file_and_round_trip(tmp_path, settings):
    source = tmp_path / "in"
    (source / "images").mkdir(parents=True)
    (source / "images" / "hero.png").write_bytes(image_file("hero.png", (800, 400)).read())
    (source / "in.jsonl").write_text(
        json.dumps(
            publication_line("a", image={"file": "images/hero.png", "alt": "A map", "credit": "Us"})
        )
        + "\n",
        encoding="utf-8",
    )
    call_command("import_content", str(source / "in.jsonl"), "--no-progress")
    first = export_text(tmp_path / "out1")
    line = next(json.loads(x) for x in first.decode().splitlines() if '"publication"' in x)
    stored = Publication.objects.get(slug="a").hero_image
    assert line["image"] == {"file": f"images/{stored.name}", "alt": "A map", "credit": "Us"}
    assert (tmp_path / "out1" / line["image"]["file"]).read_bytes() == stored.read()

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "other-media"  # another site's storage
    call_command("import_content", str(tmp_path / "out1" / "out.jsonl"), "--no-progress")
    assert export_text(tmp_path / "out2") == first
    assert Publication.objects.get(slug="a").hero_renditions


def test_export_to_stdout_writes_no_image_files(capsys, tmp_path):
    PublicationFactory(slug="a", hero_image=image_file("hero.png"), hero_alt="Alt")
    call_command("export_content", "-")
    line = next(json.loads(x) for x in capsys.readouterr().out.splitlines() if '"a"' in x)
    assert line["image"] == {"alt": "Alt"}
