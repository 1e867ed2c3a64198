"""import_content's "media" key: embeds checked against the same allow-list as the admin."""

import pytest
from django.core.management import CommandError, call_command

from publications.models import Publication
from tests.factories import publication_line

pytestmark = pytest.mark.django_db

YOUTUBE = "https://youtu.be/dQw4w9WgXcQ Launch event"


def run(path, *args):
    call_command("import_content", path, "--no-progress", *args)


def test_media_is_imported_and_a_later_null_removes_it(write_jsonl):
    run(write_jsonl(publication_line("a", media=[YOUTUBE, " https://vimeo.com/76979871 "])))
    publication = Publication.objects.get(slug="a")
    assert publication.media == f"{YOUTUBE}\nhttps://vimeo.com/76979871"
    assert [e.provider for e in publication.embeds] == ["YouTube", "Vimeo"]

    run(write_jsonl(publication_line("a", title="Kept")))
    assert Publication.objects.get(slug="a").media == publication.media

    run(write_jsonl(publication_line("a", media=None)))
    assert Publication.objects.get(slug="a").media == ""


@pytest.mark.parametrize(
    ("media", "reason"),
    [
        (["https://evil.example/video"], "is not one of them"),
        (["https://www.youtube.com/channel/UC1"], "not the address of a single YouTube"),
        ([f"{YOUTUBE}\nhttps://evil.example/video"], "one address (and optional title) per item"),
        ("https://youtu.be/dQw4w9WgXcQ", '"media" must be a list of addresses'),
        ([1], '"media" must be a list of addresses'),
    ],
)
def test_media_from_a_host_not_on_the_list_is_a_bad_line(write_jsonl, capsys, media, reason):
    with pytest.raises(CommandError):
        run(write_jsonl(publication_line("a", media=media)))

    assert not Publication.objects.filter(slug="a").exists()
    assert reason in capsys.readouterr().err
