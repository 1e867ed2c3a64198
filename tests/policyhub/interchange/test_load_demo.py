import html
import inspect
import json
import re
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import strip_tags
from taggit.models import Tag

from options.models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track
from policyhub.editorial.models import LibraryImage
from policyhub.editorial.rendering import render_rich_text
from policyhub.editorial.richtext import sanitize_html
from policyhub.interchange.management.commands import load_demo
from policyhub.pages.models import HomeSlot
from policyhub.search import search
from policyhub.search.models import Synonym
from publications.models import Person, Publication, PublicationType, Region, Topic

pytestmark = pytest.mark.django_db

MAIN = "enhancing-engagement-with-north-korea"


def run(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    """Row count and last change time of every model in the project's apps."""
    result = {}
    for app_label in ["publications", "options", "taggit", "auth", "policyhub"]:
        for model in apps.get_app_config(app_label).get_models():
            rows = model._default_manager.all()
            result[model._meta.label] = rows.count()
            if any(f.name == "updated_at" for f in model._meta.fields):
                result[f"{model._meta.label}.updated_at"] = sorted(
                    rows.values_list("updated_at", flat=True)
                )
    return result


@pytest.fixture
def demo():
    run()


def test_load_demo_meets_the_counts(demo):
    published = Publication.objects.published()
    assert published.count() >= 10
    assert published.values("publication_type").distinct().count() >= 3
    assert Person.objects.count() >= 6
    assert Topic.objects.count() >= 6
    assert Tag.objects.count() >= 15
    assert Region.objects.get(slug="north-korea").parent.slug == "asia"
    assert Region.objects.get(slug="south-korea").parent.slug == "asia"
    assert Region.objects.get(slug="sahel").parent.slug == "africa"
    assert Region.objects.get(slug="colombia").parent.slug == "americas"
    assert PolicyQuestion.objects.published().filter(
        slug="how-should-washington-engage-north-korea"
    )
    assert PolicyOption.objects.published().count() >= 13


def test_main_publication_is_complete(demo):
    main = Publication.objects.get(slug=MAIN)
    assert main.is_published
    assert HomeSlot.objects.visible().first().publication == main
    assert [p.name for p in main.ordered_authors] == ["Daniel Jasper"]
    assert main.source_note == "Adapted from an article originally published by 38 North."
    assert main.source_url == "https://www.38north.org/"
    assert [r.slug for r in main.regions.all()] == ["north-korea"]
    assert main.tags.count() >= 8
    assert main.hero_caption and main.hero_credit and not main.hero_image
    assert main.body.count("<h2>") >= 3
    assert [link.to_publication.slug for link in main.related_links.all()] == [
        "making-sense-of-north-koreas-missile-test",
        "markets-and-civil-society-in-north-korea",
        "north-korea-in-africa",
        "time-to-get-real-on-north-korea",
    ]


def test_every_seed_option_is_proposed_by_the_main_piece(demo):
    proposed = PolicyOption.objects.published().filter(
        source_links__publication__slug=MAIN, source_links__stance=OptionSource.Stance.PROPOSES
    )
    assert proposed.count() >= 13
    for option in proposed:
        assert option.actors.exists(), option.slug
        assert option.tags.exists(), option.slug
        assert option.summary and option.description and option.goals and option.risks


def test_stances_of_the_other_publications(demo):
    def stance(publication, option):
        return OptionSource.objects.get(publication__slug=publication, option__slug=option).stance

    assert (
        stance("the-case-against-early-sanctions-relief", "partial-sanctions-relief") == "opposes"
    )
    assert stance("sequencing-sanctions-relief", "partial-sanctions-relief") == "supports"
    assert (
        stance("reopening-humanitarian-access", "lift-travel-ban-for-humanitarian-access")
        == "supports"
    )
    assert stance("the-un-as-a-bridge-on-the-peninsula", "un-secretariat-bridging-role") == (
        "proposes"
    )
    assert stance(
        "the-case-against-early-sanctions-relief", "tighten-enforcement-against-sanctions-evasion"
    ) == ("proposes")
    assert stance("north-korea-in-africa", "tighten-enforcement-against-sanctions-evasion") == (
        "discusses"
    )


def test_quotes_are_passages_of_the_cited_publication(demo):
    def plain(markup):
        return re.sub(r"\s+", " ", html.unescape(strip_tags(markup)))

    for source in OptionSource.objects.select_related("publication"):
        assert source.quote in plain(source.publication.body), source


def test_prerequisites_and_conditions(demo):
    def prerequisites(slug):
        return {p.slug for p in PolicyOption.objects.get(slug=slug).prerequisites.all()}

    freeze = "interim-deal-freezing-the-nuclear-program"
    assert freeze in prerequisites("establish-liaison-offices")
    assert freeze in prerequisites("defense-department-kpa-talks")
    assert "partial-sanctions-relief" in prerequisites("economic-and-technical-cooperation")
    assert "partial-sanctions-relief" in prerequisites("energy-and-environment-cooperation")
    travel = PolicyOption.objects.get(slug="lift-travel-ban-for-humanitarian-access")
    assert travel.condition_list == ["borders reopen"]
    economic = PolicyOption.objects.get(slug="economic-and-technical-cooperation")
    assert "sanctions relief" in economic.condition_list
    # No cycles: re-checking every option's prerequisites raises nothing.
    for option in PolicyOption.objects.prefetch_related("prerequisites"):
        option.check_prerequisites(list(option.prerequisites.all()))


def test_draft_and_scheduled_exist_but_are_not_published(demo):
    draft = Publication.objects.get(slug="draft-family-reunions-brief")
    scheduled = Publication.objects.get(slug="scheduled-energy-cooperation-report")
    assert scheduled.is_scheduled
    published = Publication.objects.published()
    assert not published.filter(pk__in=[draft.pk, scheduled.pk]).exists()
    hidden_option = PolicyOption.objects.get(slug="draft-joint-disaster-response-drills")
    assert not PolicyOption.objects.published().filter(pk=hidden_option.pk).exists()


def test_load_demo_is_idempotent():
    run()
    first = snapshot()
    output = run()
    assert snapshot() == first
    assert "0 created, 0 updated" in output
    assert "updated " not in output.replace("0 updated", "")


def test_load_demo_repairs_edited_content(demo):
    main = Publication.objects.get(slug=MAIN)
    main.title = "Vandalised"
    main.save()
    main.tags.add("spam")
    output = run()
    main.refresh_from_db()
    assert main.title == "Enhancing Engagement with North Korea"
    assert "spam" not in main.tags.names()
    assert "updated publication" in output


def test_bodies_are_sanitised(demo):
    for publication in Publication.objects.all():
        assert publication.body == sanitize_html(publication.body)
        assert "<script" not in publication.body
    for option in PolicyOption.objects.all():
        assert option.description == sanitize_html(option.description)


def test_roles_come_from_the_one_definition(demo):
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert {"change_publication", "add_policyoption", "delete_tag", "publish_publication"} <= (
        codenames
    )
    assert "change_user" not in codenames
    contributors = Group.objects.get(name="Contributors").permissions.values_list(
        "codename", flat=True
    )
    assert "add_publication" in contributors and "publish_publication" not in contributors
    assert "permissions" not in inspect.getsource(load_demo)  # no copy of the definition


def test_superuser_created_on_sqlite_with_debug(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(load_demo, "database_is_sqlite", lambda: True)
    output = run("--with-superuser")
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("admin")
    assert "Created superuser" in output
    assert "already exists" in run("--with-superuser")


def test_superuser_refused_on_other_databases(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(load_demo, "database_is_sqlite", lambda: False)
    with pytest.raises(CommandError, match="SQLite demo database only"):
        run("--with-superuser")
    assert not get_user_model().objects.filter(username="admin").exists()
    assert not Publication.objects.exists()


def test_superuser_refused_without_debug(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setattr(load_demo, "database_is_sqlite", lambda: True)
    with pytest.raises(CommandError, match="DEBUG is off"):
        run("--with-superuser")
    assert not get_user_model().objects.filter(username="admin").exists()


def test_plain_run_creates_no_user():
    run()
    assert not get_user_model().objects.exists()


def test_demo_synonyms_make_dprk_find_north_korea(demo):
    results = search("DPRK liaison offices")

    assert "Establish liaison offices in Washington and Pyongyang" in [
        strip_tags(hit.title) for hit in results.page.object_list
    ]


def export_demo(path):
    call_command("export_content", str(path), stderr=StringIO())
    return path.read_bytes()


def empty_the_database():
    for model in (OptionSource, PolicyOption, Publication, PolicyQuestion, Track, Actor):
        model.objects.all().delete()
    Region.objects.filter(parent__isnull=False).delete()
    for model in (Person, Region, Topic, PublicationType, Tag, Synonym, LibraryImage):
        model.objects.all().delete()


def test_the_demo_is_loaded_by_the_importer(monkeypatch):
    calls = []
    real = load_demo.import_file
    monkeypatch.setattr(load_demo, "import_file", lambda *a, **k: calls.append(a) or real(*a, **k))
    run()
    assert calls == [(load_demo.DEMO_FILE,)]
    assert load_demo.DEMO_FILE.suffix == ".jsonl"


def test_the_demo_round_trip_is_byte_identical(tmp_path, settings):
    run()
    first = export_demo(tmp_path / "first.jsonl")
    assert '"kind": "image"' in first.decode() and "<figure data-image=" in first.decode()
    empty_the_database()
    assert not Publication.objects.exists() and not Person.objects.exists()
    settings.MEDIA_ROOT = tmp_path / "other-media"  # the figure's file comes from the export
    call_command(
        "import_content",
        str(tmp_path / "first.jsonl"),
        "--strict",
        "--no-progress",
        stdout=StringIO(),
    )
    assert export_demo(tmp_path / "second.jsonl") == first


def test_the_demo_export_means_what_was_loaded(tmp_path, demo):
    def records(path):
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    loaded = records(load_demo.DEMO_FILE)
    export_demo(tmp_path / "out.jsonl")
    exported = records(tmp_path / "out.jsonl")
    assert Counter(r["kind"] for r in exported) == Counter(r["kind"] for r in loaded)
    assert Counter(r["kind"] for r in exported) == {
        "type": 3,
        "topic": 7,
        "region": 8,
        "person": 11,
        "image": 1,
        "track": 7,
        "actor": 8,
        "question": 1,
        "publication": 13,
        "option": 16,
        "synonym": 4,
    }

    def find(items, kind, key, value):
        return next(r for r in items if r["kind"] == kind and r.get(key) == value)

    for kind, key, value in [
        ("publication", "slug", MAIN),
        ("person", "name", "Daniel Jasper"),
        ("region", "name", "Sahel"),
        ("option", "slug", "lift-travel-ban-for-humanitarian-access"),
        ("question", "slug", "how-should-washington-engage-north-korea"),
        ("synonym", "terms", "DPRK, North Korea"),
    ]:
        assert find(exported, kind, key, value) == find(loaded, kind, key, value)
    jasper = find(exported, "person", "name", "Daniel Jasper")
    assert jasper["affiliation"] == "American Friends Service Committee" and jasper["bio"]
    assert find(exported, "region", "name", "Sahel")["parent"] == "Africa"
    travel = find(exported, "option", "slug", "lift-travel-ban-for-humanitarian-access")
    assert travel["conditions"] == "borders reopen" and travel["sources"][0]["quote"]


def test_the_demo_places_a_figure_from_its_library(demo):
    figure = LibraryImage.objects.get()
    publication = Publication.objects.get(slug="sequencing-sanctions-relief")

    assert f'<figure data-image="{figure.pk}"></figure>' in publication.body
    assert figure.renditions and figure.alt.startswith("A row of four boxes")
    html = str(render_rich_text(publication.body))
    assert "<figcaption" in html and html.count("<figure") == 1
