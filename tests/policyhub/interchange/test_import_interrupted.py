"""import_content run again after an interruption ends as an uninterrupted import would."""

import pytest
from django.core.management import call_command

from options.models import PolicyOption
from policyhub.interchange import importing
from policyhub.search.models import SearchDocument
from publications.models import Person, Publication
from tests.factories import option_line, publication_line

pytestmark = pytest.mark.django_db


class Killed(Exception):
    """Stands in for kill -9: nothing after the step that raises it runs."""


def lines():
    publications = [
        publication_line(f"p{i}", related=[f"p{(i + 1) % 5}"], authors=[{"name": f"Writer {i}"}])
        for i in range(5)
    ]
    options = [
        option_line(f"o{i}", sources=[{"publication": f"p{i}", "stance": "supports"}])
        for i in range(3)
    ]
    return [*publications, *options]


def run(path):
    call_command("import_content", path, "--no-progress", "--batch-size", "2")


def state():
    """What an import leaves behind: search documents and revisions of every item."""
    documents = sorted(SearchDocument.objects.values_list("kind", "title", "url"))
    revisions = sorted(
        (record.slug, record.title, record.history_type, record.history_change_reason)
        for model in (Publication, PolicyOption)
        for record in model.history.all()
    )
    return documents, revisions


def clean_state(path):
    for model in (PolicyOption, Publication, Person):
        model.objects.all().delete()
    for model in (Publication, PolicyOption):
        model.history.all().delete()
    SearchDocument.objects.all().delete()
    run(path)
    return state()


@pytest.mark.parametrize(
    "step",
    [
        "link",  # killed once the batches committed: no links, index or revisions
        "update_index",  # killed before the index (and so before the revisions)
        "record_revisions",  # killed after the index, before the revisions
    ],
)
def test_a_rerun_repairs_an_interrupted_import(write_jsonl, monkeypatch, step):
    path = write_jsonl(*lines())

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(importing.Importer, step, killed)
        with pytest.raises(Killed):
            run(path)
    assert Publication.objects.count() == 5

    run(path)
    repaired = state()

    assert len(repaired[0]) == 5 + 3 + 5  # publications, options, people
    assert repaired == clean_state(path)


def test_a_rerun_repairs_an_update_interrupted_before_its_index(write_jsonl, monkeypatch):
    run(write_jsonl(*lines()))
    changed = lines()
    changed[0]["title"] = "Retitled"
    changed[1]["tags"] = ["aid"]
    path = write_jsonl(*changed, name="changed.jsonl")
    with monkeypatch.context() as patch:
        patch.setattr(
            importing.Importer, "update_index", lambda *a, **k: (_ for _ in ()).throw(Killed)
        )
        with pytest.raises(Killed):
            run(path)

    run(path)

    assert SearchDocument.objects.get(kind="publication", url__endswith="/p0/").title == "Retitled"
    p1 = Publication.objects.get(slug="p1")
    assert list(p1.history.order_by("-history_id")[0].relations["tags"]) == [{"label": "aid"}]
    assert p1.history.count() == 2
