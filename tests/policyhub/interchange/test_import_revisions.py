"""manage.py import_content keeps a revision of each item it creates or changes, in bulk."""

import functools

import pytest
from django.core.management import call_command
from django.urls import reverse

from options.models import PolicyOption
from policyhub.editorial.pending import pending_for, publish_pending
from publications.models import Publication
from tests.factories import PublicationFactory, option_line, publication_line

pytestmark = pytest.mark.django_db


def publication(slug, **fields):
    # Two authors and two tags, so that a snapshot's order shows.
    two = {
        "authors": [{"name": "Ann Author"}, {"name": "Bo Writer"}],
        "tags": ["North Korea", "aid"],
    }
    return publication_line(slug, **{**two, **fields})


option = option_line


@pytest.fixture
def write(write_jsonl):
    return functools.partial(write_jsonl, name="content.jsonl")


def run(path):
    call_command("import_content", path, "--no-progress")


def labels(revision, key):
    return [item["label"] for item in revision.relations[key]]


def revisions(model, slug):
    return list(model.objects.get(slug=slug).history.order_by("history_id"))


def corpus():
    # "first" points forward to "second": its snapshot must still show the link.
    return [
        publication("first", related=["second"]),
        publication("second"),
        option("opt", sources=[{"publication": "first", "stance": "supports"}]),
    ]


def test_a_new_import_keeps_one_revision_per_item_with_its_relations(write):
    run(write(*corpus(), name="institute-2026.jsonl"))

    (first,) = revisions(Publication, "first")
    assert first.history_type == "+"
    assert first.history_change_reason == "Imported from institute-2026.jsonl"
    assert first.history_user is None
    assert first.title == "Title of first"
    assert first.body == "<p>Body</p>"
    assert labels(first, "authors") == ["Ann Author", "Bo Writer"]
    assert labels(first, "topics") == ["Sanctions"]
    assert labels(first, "regions") == ["Korea"]
    assert labels(first, "tags") == ["aid", "North Korea"]
    assert labels(first, "related") == ["Title of second"]
    assert len(revisions(Publication, "second")) == 1
    (opt,) = revisions(PolicyOption, "opt")
    assert (opt.history_type, opt.history_change_reason) == (
        "+",
        "Imported from institute-2026.jsonl",
    )
    assert labels(opt, "actors") == ["UN"]
    assert labels(opt, "tags") == ["Diplomacy"]
    assert labels(opt, "sources") == ["Title of first — supports"]
    # The same snapshot a save would take now.
    assert first.relations == Publication.objects.get(slug="first").relations_snapshot()
    assert opt.relations == PolicyOption.objects.get(slug="opt").relations_snapshot()


def test_importing_the_same_file_again_keeps_no_new_revision(write):
    path = write(*corpus())
    run(path)
    before = (Publication.history.count(), PolicyOption.history.count())

    run(path)

    assert (Publication.history.count(), PolicyOption.history.count()) == before == (2, 1)


def test_changing_one_line_keeps_one_new_revision_for_that_item_only(write):
    run(write(*corpus()))
    lines = corpus()
    lines[1]["title"] = "Second, retitled"
    lines[1]["tags"] = ["aid"]

    run(write(*lines, name="fix.jsonl"))

    assert len(revisions(Publication, "first")) == 1
    assert len(revisions(PolicyOption, "opt")) == 1
    old, new = revisions(Publication, "second")
    assert (new.history_type, new.history_change_reason) == ("~", "Imported from fix.jsonl")
    assert new.title == "Second, retitled"
    assert labels(old, "tags") == ["aid", "North Korea"]
    assert labels(new, "tags") == ["aid"]


def test_an_item_changed_only_in_its_links_by_slug_gets_a_revision(write, capsys):
    run(write(*corpus()))
    lines = corpus()
    lines[0]["related"] = []
    lines[2]["sources"] = [{"publication": "second", "stance": "opposes"}]

    run(write(*lines))

    _, first = revisions(Publication, "first")
    assert labels(first, "related") == []
    _, opt = revisions(PolicyOption, "opt")
    assert labels(opt, "sources") == ["Title of second — opposes"]
    assert len(revisions(Publication, "second")) == 1
    summary = capsys.readouterr().out.splitlines()[-1]
    assert "publications: 0 created, 1 updated, 1 unchanged" in summary
    assert "options: 0 created, 1 updated, 0 unchanged" in summary


def test_an_item_saved_before_gets_an_update_revision(write):
    PublicationFactory(slug="first", title="Typed in the admin")

    run(write(publication("first")))

    old, new = revisions(Publication, "first")
    assert old.title == "Typed in the admin"
    assert (new.history_type, new.title) == ("~", "Title of first")


def test_the_admin_history_page_shows_an_imported_item(admin_client, write):
    run(write(*corpus(), name="a.jsonl"))
    lines = corpus()
    lines[1]["title"] = "Second, retitled"
    lines[1]["tags"] = ["aid", "food security"]
    run(write(*lines, name="b.jsonl"))
    second = Publication.objects.get(slug="second")

    response = admin_client.get(reverse("admin:publications_publication_history", args=[second.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Imported from a.jsonl" in html
    assert "Imported from b.jsonl" in html
    assert "<del>Title of second</del>" in html
    assert "<ins>Second, retitled</ins>" in html
    assert "Added: <ins>food security</ins>" in html


def test_an_imported_revision_can_be_restored(admin_client, write):
    run(write(*corpus(), name="a.jsonl"))
    lines = corpus()
    lines[1]["title"] = "Second, retitled"
    lines[1]["tags"] = ["aid"]
    run(write(*lines, name="b.jsonl"))
    second = Publication.objects.get(slug="second")
    imported = second.history.order_by("history_id").first()

    response = admin_client.post(
        reverse("admin:publications_publication_restore", args=[second.pk, imported.history_id])
    )

    assert response.status_code == 302
    # A live publication: the restore waits as pending changes until published.
    publish_pending(second, pending_for(second))
    second.refresh_from_db()
    assert second.title == "Title of second"
    assert sorted(second.tags.names()) == ["North Korea", "aid"]
