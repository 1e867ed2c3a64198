"""Library images (figures in rich text) through export and import: named by key across sites."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from options.models import PolicyOption, PolicyQuestion
from policyhub.editorial.models import LibraryImage
from policyhub.editorial.pending import pending_for, publish_pending
from policyhub.editorial.rendering import render_rich_text
from policyhub.interchange.importing import import_file
from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.factories import (
    CHART_KEY,
    PHOTO_SECRETS,
    LibraryImageFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    figure,
    image_file,
    library_image_line,
    option_line,
    photo_with_metadata,
    publication_line,
)
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db

OTHER_KEY = "7d1e0c44-9b2a-4f61-8c3e-2a9f4b6d0e55"


def export(folder):
    folder.mkdir(parents=True, exist_ok=True)
    call_command("export_content", str(folder / "out.jsonl"), stderr=StringIO())
    return (folder / "out.jsonl").read_bytes()


def lines(data, kind):
    return [json.loads(x) for x in data.decode().splitlines() if f'"kind": "{kind}"' in x]


def run(path, *args):
    call_command("import_content", str(path), "--no-progress", *args, stderr=StringIO())


def empty_the_site():
    for model in (PolicyOption, Publication, PolicyQuestion, LibraryImage):
        model.objects.all().delete()


def stored_files(settings):
    return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def test_export_writes_the_library_and_names_figures_by_key(tmp_path):
    chart = LibraryImageFactory(credit="")
    LibraryImageFactory(title="Unused map")  # the whole library travels
    PublicationFactory(slug="a", body=f'<p>Text</p><figure data-image="{chart.pk}"></figure>')

    data = export(tmp_path / "out")

    images = {line["title"]: line for line in lines(data, "image")}
    assert set(images) == {chart.title, "Unused map"}
    line = images[chart.title]
    path = tmp_path / "out" / line["file"]
    assert line == {
        "kind": "image",
        "key": str(chart.key),
        "title": chart.title,
        "file": f"images/{chart.image.name}",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "alt": chart.alt,
        "caption": chart.caption,
    }  # the empty credit left out
    assert path.read_bytes() == chart.image.read()
    body = lines(data, "publication")[0]["body"]
    assert body == f'<p>Text</p><figure data-image="{chart.key}"></figure>'


def test_a_figure_whose_image_is_gone_is_exported_with_no_image(tmp_path):
    PublicationFactory(slug="a", body='<figure data-image="999"></figure><p>x</p>')

    body = lines(export(tmp_path / "out"), "publication")[0]["body"]

    assert body == '<figure data-image=""></figure><p>x</p>'


def test_standard_output_writes_figures_by_key_and_no_image_lines(capsys):
    chart = LibraryImageFactory()
    PublicationFactory(slug="a", body=f'<figure data-image="{chart.pk}"></figure>')

    call_command("export_content", "-")

    out = capsys.readouterr().out
    assert '"kind": "image"' not in out
    assert f'<figure data-image=\\"{chart.key}\\"></figure>' in out


def test_round_trip_with_figures_in_every_rich_text(tmp_path, settings):
    chart, photo = LibraryImageFactory(), LibraryImageFactory(caption="", credit="")
    LibraryImageFactory(title="Unused")
    question = PolicyQuestionFactory(context=f"<p>Q</p>{figure(chart.pk)}")
    PublicationFactory(slug="a", body=f"<p>A</p>{figure(chart.pk)}<p>B</p>{figure(photo.pk)}")
    PolicyOptionFactory(slug="o", question=question, description=figure(photo.pk))
    first = export(tmp_path / "one")

    empty_the_site()
    settings.MEDIA_ROOT = tmp_path / "other-media"  # another site's storage
    run(tmp_path / "one" / "out.jsonl", "--strict")

    assert export(tmp_path / "two") == first
    local = {str(image.key): image for image in LibraryImage.objects.all()}
    assert len(local) == 3
    new_chart, new_photo = local[str(chart.key)], local[str(photo.key)]
    assert new_chart.pk != chart.pk and new_chart.renditions
    assert (new_chart.alt, new_chart.caption, new_chart.credit) == (
        chart.alt,
        chart.caption,
        chart.credit,
    )
    body = Publication.objects.get(slug="a").body
    assert body == f"<p>A</p>{figure(new_chart.pk)}<p>B</p>{figure(new_photo.pk)}"
    assert PolicyOption.objects.get(slug="o").description == figure(new_photo.pk)
    assert figure(new_chart.pk) in PolicyQuestion.objects.get().context
    html = str(render_rich_text(body))
    assert html.count("<figure") == 2 and chart.alt in html


def test_import_maps_keys_to_this_sites_numbers(write_jsonl, image_beside):
    strangers = LibraryImageFactory.create_batch(2, alt="Not this one")
    image_beside()

    run(write_jsonl(library_image_line(), publication_line("a", body=figure())))

    chart = LibraryImage.objects.get(key=CHART_KEY)
    assert chart.pk not in {s.pk for s in strangers}
    assert Publication.objects.get(slug="a").body == figure(chart.pk)
    assert chart.title == "Exports chart" and chart.credit == "Data: KOTRA"
    assert chart.image.name.startswith("library/") and chart.renditions


def test_a_figure_naming_an_image_missing_from_the_file_is_a_line_error(write_jsonl, image_beside):
    image_beside()
    path = write_jsonl(
        library_image_line(),
        publication_line("good", body=figure()),
        publication_line("bad", body=f"<p>x</p>{figure(OTHER_KEY)}"),
        publication_line("number", body='<figure data-image="3"></figure>'),
        option_line("o", description=figure(OTHER_KEY)),
    )

    report = import_file(path, progress=True)

    assert [str(p) for p in report.problems] == [
        f'line 3: figure image "{OTHER_KEY}" not found (no "image" line or image of the site '
        "has this key)",
        'line 4: a figure names image "3" by its number in a site\'s library; name it by its '
        'key (an "image" line\'s "key")',
        f'line 5: figure image "{OTHER_KEY}" not found (no "image" line or image of the site '
        "has this key)",
    ]
    # Nothing of the bad lines is written; the rest is.
    assert set(Publication.objects.values_list("slug", flat=True)) == {"good"}
    assert not PolicyOption.objects.exists()


def test_strict_refuses_a_missing_image_and_writes_nothing(write_jsonl, image_beside, settings):
    image_beside()
    path = write_jsonl(
        publication_line("early", body=figure()),  # the image line comes too late
        library_image_line(),
        publication_line("bad", body=figure(OTHER_KEY)),
    )

    with pytest.raises(CommandError, match="nothing was imported"):
        run(path, "--strict")

    assert not Publication.objects.exists() and not LibraryImage.objects.exists()
    assert stored_files(settings) == []


def test_a_key_the_site_already_has_needs_no_image_line(write_jsonl):
    chart = LibraryImageFactory()

    run(write_jsonl(publication_line("a", body=figure(str(chart.key).upper()))), "--strict")

    assert Publication.objects.get(slug="a").body == figure(chart.pk)


def test_importing_twice_creates_and_changes_nothing(write_jsonl, image_beside, settings):
    image_beside()
    path = write_jsonl(library_image_line(), publication_line("a", body=figure()))
    run(path)
    chart = LibraryImage.objects.get()
    files, history = stored_files(settings), Publication.history.count()

    report = import_file(path, progress=True)

    assert report.ok
    assert (report.created["image"], report.updated["image"], report.unchanged["image"]) == (
        0,
        0,
        1,
    )
    assert report.unchanged["publication"] == 1
    assert LibraryImage.objects.get() == chart and stored_files(settings) == files
    assert Publication.history.count() == history


def test_an_exported_jpeg_is_kept_byte_for_byte(tmp_path, settings):
    chart = LibraryImageFactory(image=image_file("chart.jpg", size=(640, 480)))
    PublicationFactory(slug="a", body=figure(chart.pk))
    first = export(tmp_path / "one")
    exported = (tmp_path / "one" / lines(first, "image")[0]["file"]).read_bytes()

    empty_the_site()
    settings.MEDIA_ROOT = tmp_path / "other-media"
    run(tmp_path / "one" / "out.jsonl")
    run(tmp_path / "one" / "out.jsonl")  # re-encoding a JPEG would change it each time

    assert LibraryImage.objects.get().image.read() == exported
    assert export(tmp_path / "two") == first


def test_an_imported_photo_loses_its_metadata(write_jsonl, image_beside):
    image_beside(photo_with_metadata("field.jpg"), name="field.jpg")

    run(write_jsonl(library_image_line(file="images/field.jpg")))

    stored = LibraryImage.objects.get().image.read()
    assert not any(secret in stored for secret in PHOTO_SECRETS)


def test_texts_absent_keep_and_empty_clear(write_jsonl, image_beside):
    image_beside()
    run(write_jsonl(library_image_line()))
    line = library_image_line(alt="New alt", credit="")
    del line["caption"]

    run(write_jsonl(line, name="again.jsonl"))

    chart = LibraryImage.objects.get()
    assert (chart.alt, chart.caption, chart.credit) == ("New alt", "Exports, 2015–2020.", "")


def test_a_changed_file_replaces_the_image(write_jsonl, image_beside):
    image_beside()
    path = write_jsonl(library_image_line(), publication_line("a", body=figure()))
    run(path)
    before = LibraryImage.objects.get()
    image_beside(image_file("chart.png", size=(300, 300), colour="red"))

    report = import_file(path, progress=True)

    after = LibraryImage.objects.get()
    assert report.updated["image"] == 1 and after.pk == before.pk
    assert after.image.name != before.image.name and after.renditions["source"] == after.image.name


def test_a_file_not_matching_its_checksum_refuses_the_batch(write_jsonl, image_beside, settings):
    image_beside()
    path = write_jsonl(library_image_line(sha256="0" * 64), publication_line("a", body=figure()))

    report = import_file(path, progress=True)

    assert "the file is damaged or not the one exported" in str(report.problems[0])
    assert not LibraryImage.objects.exists() and not Publication.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"key": "chart-1"}, '"key" must be a UUID'),
        ({"file": None}, 'missing required field "file"'),
        ({"file": "../chart.png"}, "must be a path inside the file's folder"),
        ({"alt": ""}, '"alt" must not be empty'),
        ({"sha256": "abc"}, '"sha256" must be 64 hexadecimal digits'),
    ],
)
def test_bad_image_lines(write_jsonl, changes, reason):
    report = import_file(write_jsonl(library_image_line(**changes)), progress=True)

    assert reason in str(report.problems[0]) and not LibraryImage.objects.exists()


def test_the_imported_revision_places_the_local_image(write_jsonl, image_beside):
    image_beside()

    run(write_jsonl(library_image_line(), publication_line("a", body=figure())))

    chart = LibraryImage.objects.get()
    revision = Publication.history.get()
    assert revision.body == figure(chart.pk)
    assert chart.alt in str(render_rich_text(revision.body))


def test_a_restored_imported_revision_shows_its_figure_again(
    write_jsonl, image_beside, admin_client
):
    image_beside()
    run(write_jsonl(library_image_line(), publication_line("a", body=f"<p>Text</p>{figure()}")))
    publication = Publication.objects.get(slug="a")
    imported = publication.history.get()
    url, data = change_form_data(admin_client, publication)
    data["body"] = "<p>Text without the figure</p>"
    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302

    restore = reverse(
        "admin:publications_publication_restore", args=[publication.pk, imported.history_id]
    )
    assert admin_client.post(restore).status_code == 302
    pending = pending_for(publication)
    preview = admin_client.get(
        reverse("publications:preview", args=[publication.pk]), {"version": "pending"}
    )
    publish_pending(publication, pending)

    chart = LibraryImage.objects.get()
    publication.refresh_from_db()
    assert publication.body == f"<p>Text</p>{figure(chart.pk)}"
    assert chart.alt in preview.content.decode()
    assert chart.alt in admin_client.get(publication.get_absolute_url()).content.decode()


def test_an_image_placed_from_a_later_batch_is_found(write_jsonl, image_beside):
    image_beside()
    path = write_jsonl(library_image_line(), publication_line("a", body=figure()))

    report = import_file(path, batch_size=1, progress=True)

    assert report.ok
    chart = LibraryImage.objects.get()
    assert Publication.objects.get(slug="a").body == figure(chart.pk)


def test_a_missing_image_file_is_reported_and_its_batch_not_written(write_jsonl):
    path = write_jsonl(library_image_line(), publication_line("a", body=figure()))

    report = import_file(path, progress=True)

    assert [str(p) for p in report.problems] == [
        'line 1: lines 1-2 not written (rolled back): line 1: image "images/chart.png": '
        "No such file or directory"
    ]
    assert not LibraryImage.objects.exists() and not Publication.objects.exists()
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path, "--strict")


def test_a_batch_rolled_back_later_leaves_no_library_file(write_jsonl, image_beside, settings):
    image_beside()
    path = write_jsonl(
        library_image_line(),
        publication_line("a", body=figure(), image={"file": "images/gone.png", "alt": "x"}),
    )

    report = import_file(path, progress=True)

    assert "not written (rolled back)" in str(report.problems[0])
    assert not LibraryImage.objects.exists() and stored_files(settings) == []
