"""manage.py import_content: every field, re-import, forward references, bad lines, batches."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone
from taggit.models import Tag

from options.models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track
from policyhub.interchange import importing
from policyhub.search import search
from policyhub.search.models import SearchDocument, Synonym
from publications.models import (
    Authorship,
    Person,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    Topic,
)
from tests.factories import (
    PersonFactory,
    PublicationFactory,
    image_file,
    option_line,
    publication_line,
)

pytestmark = pytest.mark.django_db


publication, option = publication_line, option_line


@pytest.fixture
def write(write_jsonl):
    return write_jsonl


def run(path, *args):
    call_command("import_content", path, "--no-progress", *args)


def test_every_publication_field(write):
    # A fixed summary: the factory's random words may include "writer", searched for below.
    PublicationFactory(slug="older", summary="An earlier piece.")
    run(
        write(
            publication(
                "first",
                body="<p>Hello <strong>world</strong></p><h2>Part</h2><ul><li>a</li></ul>",
                authors=[{"name": "Ann Author", "bio": "Writes."}, {"name": "Bo Writer"}],
                topics=["Sanctions", "Aid"],
                regions=["Korea", "Asia"],
                tags=["North Korea", "nuclear"],
                source="Adapted from 38 North.",
                related=["older"],
            )
        )
    )
    p = Publication.objects.get(slug="first")
    assert p.title == "Title of first"
    assert p.publication_type.name == "Report"
    assert p.summary == "Summary of first"
    assert p.body == "<p>Hello <strong>world</strong></p><h2>Part</h2><ul><li>a</li></ul>"
    assert p.status == "published"
    assert p.published_at == datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert p.ordered_authors == [
        Person.objects.get(name="Ann Author"),
        Person.objects.get(name="Bo Writer"),
    ]
    assert Person.objects.get(name="Ann Author").bio == "Writes."
    assert sorted(t.name for t in p.topics.all()) == ["Aid", "Sanctions"]
    assert sorted(r.name for r in p.regions.all()) == ["Asia", "Korea"]
    assert sorted(t.name for t in p.tags.all()) == ["North Korea", "nuclear"]
    assert p.source_note == "Adapted from 38 North."
    assert [link.to_publication.slug for link in p.related_links.all()] == ["older"]
    assert Person.objects.get(name="Bo Writer").slug == "bo-writer"
    # The search index knows the new publication, its author and its tags.
    assert SearchDocument.objects.filter(kind="publication", object_id=p.pk).exists()
    assert [hit.url for hit in search("Writer").page if hit.kind == "publication"] == [
        p.get_absolute_url()
    ]


def test_every_option_field(write):
    run(
        write(
            option(
                "talks",
                real_world_status="adopted",
                published="2024-05-01",
                actors=["UN", "ROK"],
                prerequisites=["freeze"],
                tags=["Diplomacy"],
                sources=[
                    {"publication": "first", "stance": "supports", "note": "p. 4"},
                    {"publication": "second", "stance": "opposes", "note": ""},
                ],
            ),
            option("freeze", status="draft", published=None),
            publication("first"),
            publication("second"),
        )
    )
    o = PolicyOption.objects.get(slug="talks")
    assert o.title == "Option talks"
    assert o.question.title == "How to engage?"
    assert o.question.status == PolicyQuestion.Status.PUBLISHED
    assert o.track.name == "Track 1"
    assert (o.level, o.timeframe, o.real_world_status) == ("governmental", "near-term", "adopted")
    assert o.summary == "Summary of talks"
    assert o.description == "<p>Do it</p>"
    assert o.status == "published"
    assert timezone.localtime(o.published_at).date().isoformat() == "2024-05-01"
    assert sorted(a.name for a in o.actors.all()) == ["ROK", "UN"]
    assert [p.slug for p in o.prerequisites.all()] == ["freeze"]
    assert [t.name for t in o.tags.all()] == ["Diplomacy"]
    assert [(s.publication.slug, s.stance, s.note, s.order) for s in o.source_links.all()] == [
        ("first", "supports", "p. 4", 0),
        ("second", "opposes", "", 1),
    ]
    freeze = PolicyOption.objects.get(slug="freeze")
    assert (freeze.status, freeze.published_at) == ("draft", None)
    assert PolicyOption.objects.visible().filter(slug="talks").exists()


def snapshot():
    """Everything an import writes, with primary keys and timestamps: a no-op changes none."""
    models = [
        Publication,
        PolicyOption,
        PolicyQuestion,
        Person,
        Topic,
        Region,
        PublicationType,
        Track,
        Actor,
        Tag,
        Authorship,
        RelatedPublication,
        OptionSource,
        Publication.topics.through,
        Publication.regions.through,
        Publication.tags.through,
        PolicyOption.tags.through,
        PolicyOption.actors.through,
        PolicyOption.prerequisites.through,
    ]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def test_reimport_is_idempotent_and_updates_in_place(write):
    lines = [
        publication("a", related=["b"], tags=["Nuclear", "Aid"]),
        publication("b", status="draft", published=None),
        option("o1", prerequisites=["o2"], sources=[{"publication": "a", "stance": "proposes"}]),
        option("o2"),
    ]
    path = write(*lines)
    run(path)
    before = snapshot()
    run(path)
    assert snapshot() == before

    first_pk = Publication.objects.get(slug="a").pk
    lines[0] = publication("a", title="New title", related=[], tags=["aid"])
    run(write(*lines))
    a = Publication.objects.get(slug="a")
    assert (a.pk, a.title) == (first_pk, "New title")
    assert a.related_links.count() == 0
    assert [t.name for t in a.tags.all()] == ["Aid"]
    assert Publication.objects.count() == 2
    assert a.updated_at > Publication.objects.get(slug="b").updated_at


def test_forward_references_resolve_and_unknown_ones_are_reported(write, capsys):
    path = write(
        publication("a", related=["b", "missing"]),
        option("o1", prerequisites=["o2"], sources=[{"publication": "b", "stance": "discusses"}]),
        publication("b"),
        option("o2"),
    )
    with pytest.raises(CommandError, match="1 unresolved reference"):
        run(path)
    assert [p.slug for p in Publication.objects.get(slug="a").related.all()] == ["b"]
    o1 = PolicyOption.objects.get(slug="o1")
    assert [p.slug for p in o1.prerequisites.all()] == ["o2"]
    assert [s.publication.slug for s in o1.source_links.all()] == ["b"]
    assert 'line 1: related publication "missing" not found' in capsys.readouterr().err


BAD_LINES = [
    ("{not json", "invalid JSON"),
    ("[1, 2]", "not a JSON object"),
    (json.dumps({"kind": "podcast", "slug": "x"}), 'unknown kind "podcast"'),
    (
        json.dumps({k: v for k, v in publication("x1").items() if k != "title"}),
        'missing required field "title"',
    ),
    (json.dumps(publication("x2", title=5)), '"title" must be a string'),
    (json.dumps(publication("x3", tags="nuclear")), '"tags" must be a list'),
    (json.dumps(publication("x4", published="2024-13-45")), 'bad date "2024-13-45"'),
    (json.dumps(publication("x5", published="yesterday")), 'bad date "yesterday"'),
    (json.dumps(publication("x6", status="archived")), 'unknown status "archived"'),
    (json.dumps(option("x7", level="global")), 'unknown level "global"'),
    (json.dumps(option("x8", timeframe="soon")), 'unknown timeframe "soon"'),
    (
        json.dumps(option("x9", sources=[{"publication": "p", "stance": "likes"}])),
        'unknown stance "likes"',
    ),
    (json.dumps(publication("bad slug")), 'slug "bad slug" is not a slug'),
    (json.dumps(publication("good")), 'duplicate publication slug "good" (line 2)'),
    (json.dumps(publication("x10", title="t" * 301)), "longer than 300"),
]


def test_each_kind_of_bad_line_is_reported_with_its_number(write, capsys):
    path = write(publication("before"), publication("good"), *[line for line, _ in BAD_LINES])
    with pytest.raises(CommandError) as error:
        run(path)
    assert f"{len(BAD_LINES)} bad line(s) skipped" in str(error.value)
    assert "publications: 2 created" in str(error.value)
    err = capsys.readouterr().err.splitlines()
    for number, (_, reason) in enumerate(BAD_LINES, start=3):
        assert any(line.startswith(f"line {number}: ") and reason in line for line in err), (
            number,
            reason,
            err,
        )
    assert sorted(Publication.objects.values_list("slug", flat=True)) == ["before", "good"]


def test_a_file_that_is_not_utf8_is_a_bad_line(tmp_path, capsys):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(publication("a")).encode() + b"\n" + b'{"title": "caf\xe9"}\n')
    with pytest.raises(CommandError):
        run(str(path))
    assert "line 2: not valid UTF-8" in capsys.readouterr().err
    assert Publication.objects.filter(slug="a").exists()


def test_strict_imports_nothing_when_a_line_is_bad(write, capsys):
    path = write(publication("a"), option("o"), "{oops", publication("b", related=["nowhere"]))
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path, "--strict")
    assert not Publication.objects.exists()
    assert not PolicyOption.objects.exists()
    assert not Tag.objects.exists() and not Person.objects.exists()
    err = capsys.readouterr().err
    assert "line 3: invalid JSON" in err
    assert 'line 4: related publication "nowhere" not found' in err


def test_strict_imports_a_good_file(write, capsys):
    PublicationFactory(slug="existing")
    run(write(publication("a", related=["existing", "b"]), publication("b")), "--strict")
    assert Publication.objects.count() == 3
    assert "publications: 2 created, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_no_batch_is_half_written(write, monkeypatch, capsys):
    real = importing.sync_links
    calls = {"n": 0}

    def failing(model, *args, **kwargs):
        # The first links of the second batch: its publications are already inserted.
        if model is Authorship:
            calls["n"] += 1
            if calls["n"] == 2:
                raise IntegrityError("simulated failure")
        return real(model, *args, **kwargs)

    monkeypatch.setattr(importing, "sync_links", failing)
    path = write(
        publication("a1", authors=[{"name": "One"}], tags=["T1"]),
        publication("a2"),
        publication("b1", authors=[{"name": "Two"}], tags=["T2"], type="New type"),
        publication("b2"),
        publication("c1", related=["b1", "a1"]),
    )
    with pytest.raises(CommandError, match="1 batch"):
        run(path, "--batch-size", "2")
    assert sorted(Publication.objects.values_list("slug", flat=True)) == ["a1", "a2", "c1"]
    # Nothing the failed batch created survives: not its type, person or tag.
    assert not PublicationType.objects.filter(name="New type").exists()
    assert not Person.objects.filter(name="Two").exists()
    assert not Tag.objects.filter(name="T2").exists()
    err = capsys.readouterr().err
    assert "lines 3-4 not written (rolled back): simulated failure" in err
    assert 'line 5: related publication "b1" not found' in err
    # The batch after the failure still found its lookups (reloaded, not stale).
    assert [p.slug for p in Publication.objects.get(slug="c1").related.all()] == ["a1"]


def test_html_is_sanitised_as_in_the_admin(write):
    hostile = (
        '<p onclick="x()">Hi<script>alert(1)</script>'
        '<a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)></p>'
    )
    run(write(publication("a", body=hostile), option("o", description=hostile)))
    from policyhub.editorial.richtext import sanitize_html

    for stored in (
        Publication.objects.get(slug="a").body,
        PolicyOption.objects.get(slug="o").description,
    ):
        assert stored == sanitize_html(hostile)
        assert "script" not in stored and "onclick" not in stored and "javascript" not in stored
    # A re-import compares the sanitised text: nothing changes.
    before = snapshot()
    run(write(publication("a", body=hostile), option("o", description=hostile)))
    assert snapshot() == before


def test_scheduled_draft_and_date_only(write, settings):
    future = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    run(
        write(
            publication("later", published=future.isoformat()),
            publication("draft", status="draft", published=None),
            publication("dated", published="2023-06-15"),
            publication("now", published=None),
        )
    )
    assert list(Publication.objects.scheduled().values_list("slug", flat=True)) == ["later"]
    assert Publication.objects.get(slug="later").published_at == future
    assert list(Publication.objects.drafts().values_list("slug", flat=True)) == ["draft"]
    assert Publication.objects.get(slug="draft").published_at is None
    dated = timezone.localtime(Publication.objects.get(slug="dated").published_at)
    assert (dated.date().isoformat(), dated.hour, str(dated.tzinfo)) == (
        "2023-06-15",
        0,
        settings.TIME_ZONE,
    )
    published = set(Publication.objects.published().values_list("slug", flat=True))
    assert published == {"dated", "now"}


def test_tags_match_case_insensitively(write):
    Tag.objects.create(name="North Korea", slug="north-korea")
    run(
        write(
            publication("a", tags=["north korea", "NORTH KOREA", "Sanctions"]),
            publication("b", tags=["sanctions"]),
            option("o", tags=["North korea"]),
        )
    )
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["North Korea", "Sanctions"]
    assert [t.name for t in Publication.objects.get(slug="b").tags.all()] == ["Sanctions"]
    assert [t.name for t in PolicyOption.objects.get(slug="o").tags.all()] == ["North Korea"]


def test_people_are_matched_by_name(write):
    person = PersonFactory(name="Ann Author", bio="Old bio.", slug="ann")
    run(write(publication("a", authors=[{"name": "Ann Author"}]), publication("b")))
    person.refresh_from_db()
    assert Person.objects.filter(name="Ann Author").count() == 1
    # Line 1 names no bio (left alone); line 2 gives one, which is stored.
    assert Publication.objects.get(slug="a").ordered_authors == [person]
    assert person.bio == "Writes."


def test_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot read"):
        run("/nonexistent/file.jsonl")


def test_index_is_built_once_with_per_save_signals_suspended(write, monkeypatch):
    from policyhub.search import indexing

    calls = {"reindex": 0, "rebuild": 0}
    real_reindex, real_rebuild = indexing.reindex, indexing.rebuild

    def reindex(*args, **kwargs):
        calls["reindex"] += 1
        return real_reindex(*args, **kwargs)

    def rebuild(*args, **kwargs):
        calls["rebuild"] += 1
        return real_rebuild(*args, **kwargs)

    monkeypatch.setattr(indexing, "reindex", reindex)
    monkeypatch.setattr(indexing, "rebuild", rebuild)
    monkeypatch.setattr(importing, "REBUILD_ABOVE", 0)
    run(write(*[publication(f"p{n}", related=[f"p{(n + 1) % 5}"]) for n in range(5)], option("o")))
    assert calls == {"reindex": 0, "rebuild": 1}
    assert len([hit for hit in search("title").page]) == 5
    # The per-save signals are back afterwards.
    PublicationFactory(title="Granary")
    assert [hit.title for hit in search("granary").page] == ["<mark>Granary</mark>"]


def test_an_import_retires_cached_pages(write):
    from policyhub.editorial import cache as page_cache

    before = page_cache.current_generation()
    run(write(publication("fresh")))

    assert page_cache.current_generation() != before


def test_queries_do_not_grow_with_the_number_of_lines(write, django_assert_max_num_queries):
    def lines(count, prefix):
        return [
            publication(
                f"{prefix}{n}",
                authors=[{"name": f"Author {prefix}{n}", "bio": "b"}],
                tags=[f"tag {prefix}{n}", "shared"],
                topics=[f"Topic {prefix}{n}"],
                related=[f"{prefix}{(n + 1) % count}"],
            )
            for n in range(count)
        ] + [
            option(
                f"{prefix}o{n}",
                actors=[f"Actor {prefix}{n}"],
                sources=[{"publication": f"{prefix}{n}", "stance": "supports"}],
            )
            for n in range(count)
        ]

    # A fixed budget per import: the index's upkeep (documents, facets, title words and their
    # vocabulary) is a few statements per kind of content, whatever the number of lines.
    with django_assert_max_num_queries(135) as few:
        run(write(*lines(5, "a"), name="a.jsonl"))
    with django_assert_max_num_queries(len(few.captured_queries) + 10):
        run(write(*lines(150, "b"), name="b.jsonl"))


def test_no_progress_bar_when_not_a_terminal(write, capsys):
    call_command("import_content", write(publication("a")))
    captured = capsys.readouterr()
    assert "Importing" not in captured.err and "it/s" not in captured.err
    assert "1 created" in captured.out


def test_prerequisite_cycles_are_refused_whatever_their_length(write, capsys):
    path = write(
        option("a", prerequisites=["b"]),
        option("b", prerequisites=["c"]),
        option("c", prerequisites=["a", "d"]),  # closes a → b → c → a
        option("d"),
    )
    with pytest.raises(CommandError, match="1 unresolved reference"):
        run(path)
    prerequisites = {
        option.slug: sorted(p.slug for p in option.prerequisites.all())
        for option in PolicyOption.objects.all()
    }
    assert prerequisites == {"a": ["b"], "b": ["c"], "c": ["d"], "d": []}
    assert 'line 3: prerequisite option "a" not linked: it would make a cycle' in (
        capsys.readouterr().err
    )


def test_a_cycle_with_stored_options_is_refused_and_a_replaced_link_is_not(write, capsys):
    run(write(option("a", prerequisites=["b"]), option("b")))
    # b may now depend on a only if a no longer depends on b: the file says so for a.
    with pytest.raises(CommandError, match="1 unresolved reference"):
        run(write(option("b", prerequisites=["a"])))
    assert list(PolicyOption.objects.get(slug="b").prerequisites.all()) == []

    run(write(option("a", prerequisites=[]), option("b", prerequisites=["a"])))
    assert [p.slug for p in PolicyOption.objects.get(slug="b").prerequisites.all()] == ["a"]
    assert list(PolicyOption.objects.get(slug="a").prerequisites.all()) == []


def test_every_long_step_shows_progress_when_asked(write, capsys):
    # ``progress`` is tqdm's ``disable``: False shows the bars.
    importing.import_file(write(publication("a"), option("o")), progress=False)
    err = capsys.readouterr().err
    assert "Importing" in err
    assert "Revisions" in err


def test_a_nul_character_is_a_bad_line_before_anything_is_written(write, capsys):
    path = write(
        publication("a"),
        publication("b", title="Bad\u0000title"),
        publication("c", tags=["fine", "nu\u0000ll"]),
    )
    with pytest.raises(CommandError, match="2 bad line"):
        run(path)
    err = capsys.readouterr().err
    assert "line 2: NUL character" in err and "line 3: NUL character" in err
    assert list(Publication.objects.values_list("slug", flat=True)) == ["a"]


def test_deeply_nested_json_is_a_bad_line(write, capsys):
    path = write(publication("a"), '{"kind": "publication", "tags": ' + "[" * 100_000)
    with pytest.raises(CommandError, match="1 bad line"):
        run(path)
    assert "line 2: invalid JSON (nested too deeply)" in capsys.readouterr().err
    assert Publication.objects.filter(slug="a").exists()


def test_unknown_keys_are_a_warning_and_an_error_under_strict(write, capsys):
    path = write(publication("a"), publication("b", colour="blue", Title="typo"))
    run(path)
    out = capsys.readouterr()
    assert 'line 2: warning: unknown key(s) ignored: "Title", "colour"' in out.err
    assert "1 warning(s)" in out.out
    assert Publication.objects.count() == 2

    Publication.objects.all().delete()
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path, "--strict")
    assert 'line 2: unknown key(s) ignored: "Title", "colour"' in capsys.readouterr().err
    assert not Publication.objects.exists()


def test_an_absent_key_leaves_a_value_and_an_empty_one_clears_it(write):
    run(
        write(
            {"kind": "person", "name": "Ann Author", "bio": "Writes.", "role": "Fellow"},
            # "featured" (before home page slots) is read and ignored, with no warning.
            publication("a", source="From elsewhere", featured=True),
            option("o", goals="Peace", sources=[{"publication": "a", "stance": "supports"}]),
        )
    )
    lean = {
        key: value
        for key, value in publication("a").items()
        if key in ("kind", "slug", "title", "type", "summary", "status")
    }
    run(
        write(
            {"kind": "person", "name": "Ann Author"},
            lean,
            {k: v for k, v in option("o").items() if k not in ("goals", "sources", "tags")},
            name="lean.jsonl",
        )
    )
    a, o = Publication.objects.get(slug="a"), PolicyOption.objects.get(slug="o")
    ann = Person.objects.get(name="Ann Author")
    assert (ann.bio, ann.role) == ("Writes.", "Fellow")
    assert (a.source_note, a.body) == ("From elsewhere", "<p>Body</p>")
    assert [p.name for p in a.ordered_authors] == ["Ann Author"]
    assert list(a.tags.names()) == ["North Korea"]
    assert o.goals == "Peace" and o.source_links.count() == 1 and o.tags.count() == 1

    run(
        write(
            {"kind": "person", "name": "Ann Author", "bio": "", "role": None},
            {**lean, "source": "", "body": None, "tags": [], "authors": []},
            {**option("o"), "goals": "", "sources": None},
            name="empty.jsonl",
        )
    )
    a.refresh_from_db(), o.refresh_from_db(), ann.refresh_from_db()
    assert (ann.bio, ann.role) == ("", "")
    assert (a.source_note, a.body, a.tags.count(), a.authorships.count()) == ("", "", 0, 0)
    assert o.goals == "" and o.source_links.count() == 0


def test_every_kind_of_its_own(write):
    run(
        write(
            {"kind": "type", "name": "Report", "description": "Long."},
            {"kind": "topic", "name": "Aid", "description": "Help."},
            {"kind": "region", "name": "Korea", "parent": "Asia", "description": "Peninsula."},
            {"kind": "region", "name": "Asia"},
            {"kind": "track", "name": "Security", "description": "Arms.", "order": 3},
            {"kind": "actor", "name": "UN", "description": "United Nations."},
            {
                "kind": "person",
                "name": "Ann Author",
                "role": "Fellow",
                "affiliation": "Institute",
                "bio": "Writes.",
                "link": "https://example.org/ann",
            },
            {
                "kind": "question",
                "slug": "how",
                "title": "How to engage?",
                "summary": "Plain.",
                "context": "<p>Context<script>x</script></p>",
                "status": "published",
                "published": "2024-01-01",
                "regions": ["Korea"],
                "tags": ["Diplomacy"],
            },
            {"kind": "synonym", "terms": "DPRK, North Korea", "note": "Initials."},
            option(
                "o",
                goals="Peace",
                risks="War",
                conditions="borders reopen",
                status_note="Partly done.",
                status_date="2024-05-01",
                sources=[{"publication": "older", "stance": "supports", "quote": "a passage"}],
            ),
            publication("older"),
        )
    )
    assert PublicationType.objects.get(name="Report").description == "Long."
    assert Topic.objects.get(name="Aid").description == "Help."
    korea = Region.objects.get(name="Korea")
    assert (korea.parent.name, korea.description) == ("Asia", "Peninsula.")
    assert Track.objects.get(name="Security").order == 3
    assert Actor.objects.get(name="UN").description == "United Nations."
    ann = Person.objects.get(name="Ann Author")
    assert (ann.role, ann.affiliation, ann.link) == (
        "Fellow",
        "Institute",
        "https://example.org/ann",
    )
    question = PolicyQuestion.objects.get(slug="how")
    assert question.context == "<p>Context</p>" and question.is_published
    assert [r.name for r in question.regions.all()] == ["Korea"]
    assert list(question.tags.names()) == ["Diplomacy"]
    o = PolicyOption.objects.get(slug="o")
    assert o.question == question
    assert (o.goals, o.risks, o.condition_list) == ("Peace", "War", ["borders reopen"])
    assert (o.status_note, str(o.status_date)) == ("Partly done.", "2024-05-01")
    assert o.source_links.get().quote == "a passage"
    assert Synonym.objects.get(terms="DPRK, North Korea").note == "Initials."


def test_images_are_stored_through_the_image_field(write, tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "hero.png").write_bytes(image_file("hero.png", (1200, 600)).read())
    (tmp_path / "images" / "ann.png").write_bytes(image_file("ann.png").read())
    path = write(
        {"kind": "person", "name": "Ann Author", "photo": {"file": "images/ann.png", "alt": "Ann"}},
        publication(
            "a",
            image={"file": "images/hero.png", "alt": "A map", "caption": "Map", "credit": "Us"},
        ),
    )
    run(path)
    a = Publication.objects.get(slug="a")
    assert a.hero_image.name.endswith("hero.png")
    assert (a.hero_alt, a.hero_caption, a.hero_credit) == ("A map", "Map", "Us")
    assert a.hero_renditions.get("source") == a.hero_image.name  # renditions were made
    ann = Person.objects.get(name="Ann Author")
    assert ann.photo_alt == "Ann" and ann.photo_renditions.get("source") == ann.photo.name

    stored = a.hero_image.name
    run(path)  # the same file again: nothing is stored twice
    a.refresh_from_db()
    assert a.hero_image.name == stored


def test_a_bad_image_path_is_a_bad_line(write, capsys):
    path = write(publication("a", image={"file": "../../etc/passwd"}), publication("b"))
    with pytest.raises(CommandError):
        run(path)
    assert "line 1: image file" in capsys.readouterr().err
    assert list(Publication.objects.values_list("slug", flat=True)) == ["b"]


def test_a_region_cannot_be_put_inside_itself(write, capsys):
    path = write(
        {"kind": "region", "name": "Asia", "parent": "Korea"},
        {"kind": "region", "name": "Korea", "parent": "Asia"},
    )
    with pytest.raises(CommandError, match="1 unresolved"):
        run(path)
    assert 'line 2: parent region "Asia" not set' in capsys.readouterr().err
    assert Region.objects.get(name="Asia").parent.name == "Korea"
    assert Region.objects.get(name="Korea").parent is None


def test_strict_checks_that_image_files_exist(write, capsys):
    path = write(publication("a"), publication("b", image={"file": "images/missing.png"}))
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path, "--strict")
    assert 'line 2: image file "images/missing.png" not found' in capsys.readouterr().err
    assert not Publication.objects.exists()
