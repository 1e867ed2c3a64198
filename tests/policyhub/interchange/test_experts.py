"""A person line carries the experts directory's fields: role in the institute, expertise,
languages, contact and profile links; idempotent, absent keys left alone, bad values refused."""

import pytest
from django.core.management import CommandError, call_command

from publications.models import Expertise, Person

pytestmark = pytest.mark.django_db

FULL = {
    "kind": "person",
    "name": "Ann Author",
    "institute_role": "fellow",
    "expertise": ["Sanctions", "Aid"],
    "languages": "English, Korean",
    "email": "ann@example.org",
    "show_email": True,
    "links": [
        {"url": "https://orcid.org/0000-0002-1825-0097"},
        {"url": "https://example.org/ann", "label": "Notes"},
    ],
}


def run(path, *args):
    call_command("import_content", path, "--no-progress", *args)


def test_every_expert_field_is_imported(write_jsonl):
    run(write_jsonl(FULL))

    ann = Person.objects.get(name="Ann Author")
    assert ann.kind == Person.Kind.FELLOW
    assert sorted(ann.expertise.values_list("name", flat=True)) == ["Aid", "Sanctions"]
    assert (ann.languages, ann.email, ann.show_email) == (
        "English, Korean",
        "ann@example.org",
        True,
    )
    assert [(p.url, p.display_label) for p in ann.profile_links.all()] == [
        ("https://orcid.org/0000-0002-1825-0097", "ORCID"),
        ("https://example.org/ann", "Notes"),
    ]


def test_a_rerun_changes_nothing(write_jsonl, capsys):
    path = write_jsonl(FULL)
    run(path)
    links = list(Person.objects.get().profile_links.values_list("pk", flat=True))
    capsys.readouterr()

    run(path)

    assert "people: 0 created, 0 updated, 1 unchanged" in capsys.readouterr().out
    assert list(Person.objects.get().profile_links.values_list("pk", flat=True)) == links
    assert Expertise.objects.count() == 2


def test_absent_keys_leave_values_and_empty_ones_clear_them(write_jsonl):
    run(write_jsonl(FULL))
    run(write_jsonl({"kind": "person", "name": "Ann Author"}, name="lean.jsonl"))
    ann = Person.objects.get()
    assert ann.kind == "fellow" and ann.expertise.count() == 2 and ann.profile_links.count() == 2

    empty = {
        "kind": "person",
        "name": "Ann Author",
        "institute_role": None,
        "expertise": [],
        "languages": "",
        "email": None,
        "show_email": False,
        "links": None,
    }
    run(write_jsonl(empty, name="empty.jsonl"))
    ann.refresh_from_db()

    assert ann.kind == "fellow"  # a role cannot be empty: null keeps it
    assert (ann.expertise.count(), ann.profile_links.count()) == (0, 0)
    assert (ann.languages, ann.email, ann.show_email) == ("", "", False)


def test_links_are_reordered_and_relabelled_in_place(write_jsonl):
    run(write_jsonl(FULL))
    swapped = {
        **FULL,
        "links": [
            {"url": "https://example.org/ann", "label": "Blog"},
            {"url": "https://orcid.org/0000-0002-1825-0097"},
        ],
    }
    run(write_jsonl(swapped, name="swapped.jsonl"))

    links = Person.objects.get().profile_links.all()
    assert [(p.display_label, p.order) for p in links] == [("Blog", 0), ("ORCID", 1)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"institute_role": "boss"}, 'unknown institute_role "boss"'),
        ({"email": "not an address"}, '"email" is not an email address'),
        ({"show_email": "yes"}, '"show_email" must be true or false'),
        ({"expertise": "Sanctions"}, '"expertise" must be a list'),
        ({"links": [{"url": "javascript:alert(1)"}]}, '"url" is not an http(s) URL'),
        ({"links": [{"label": "x"}]}, 'each link needs a "url"'),
        ({"links": ["https://example.org"]}, '"links" must hold objects'),
        ({"languages": "x" * 201}, '"languages" is longer than 200 characters'),
    ],
)
def test_bad_values_are_bad_lines(write_jsonl, capsys, values, message):
    with pytest.raises(CommandError, match="1 bad line"):
        run(write_jsonl({"kind": "person", "name": "Eve", **values}))

    assert message in capsys.readouterr().err
    assert not Person.objects.exists()
