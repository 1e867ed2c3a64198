"""Images uploaded into pending changes are deleted once those changes are discarded or replaced,
unless the live item, a revision or other pending changes still use them (pending.py)."""

from pathlib import Path

import pytest
from django.test import Client

from policyhub.editorial.images import rendition_names
from policyhub.editorial.pending import pending_for
from tests.admin_forms import change_form_data
from tests.factories import PublicationFactory, image_file
from tests.policyhub.editorial.test_pending_review import act

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


def exists(settings, name):
    return (Path(settings.MEDIA_ROOT) / name).exists()


def upload_pending_hero(client, publication, colour, capture):
    url, data = change_form_data(client, publication)
    data["hero_image"] = image_file(f"{colour}.png", size=(600, 400), colour=colour)
    data["hero_alt"] = f"A {colour} square"
    data["_continue"] = "1"
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    pending = pending_for(publication)
    return pending.fields["hero_image"], rendition_names(pending.fields["hero_renditions"])


def test_discarding_pending_changes_deletes_their_new_image(
    settings, editor_client, django_capture_on_commit_callbacks
):
    publication = PublicationFactory()
    name, renditions = upload_pending_hero(
        editor_client, publication, "red", django_capture_on_commit_callbacks
    )
    assert exists(settings, name)
    assert renditions and all(exists(settings, r) for r in renditions)

    with django_capture_on_commit_callbacks(execute=True):
        act(editor_client, publication, "discard")

    assert pending_for(publication) is None
    assert not exists(settings, name)
    assert not any(exists(settings, r) for r in renditions)


def test_replacing_the_image_of_pending_changes_deletes_the_first_one(
    settings, editor_client, django_capture_on_commit_callbacks
):
    publication = PublicationFactory()
    capture = django_capture_on_commit_callbacks
    first, _ = upload_pending_hero(editor_client, publication, "red", capture)
    second, _ = upload_pending_hero(editor_client, publication, "blue", capture)

    assert first != second
    assert not exists(settings, first)
    assert exists(settings, second)


def test_an_image_made_live_is_kept(settings, editor_client, django_capture_on_commit_callbacks):
    publication = PublicationFactory()
    name, renditions = upload_pending_hero(
        editor_client, publication, "red", django_capture_on_commit_callbacks
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(editor_client, publication, "publish")

    publication.refresh_from_db()
    assert publication.hero_image.name == name
    assert exists(settings, name)
    assert all(exists(settings, r) for r in renditions)


def test_an_image_a_revision_still_uses_is_kept(
    settings, editor_client, django_capture_on_commit_callbacks
):
    publication = PublicationFactory(
        hero_image=image_file("live.png", size=(600, 400)), hero_alt="A navy square"
    )
    live = publication.hero_image.name
    capture = django_capture_on_commit_callbacks
    # Pending changes with the live image, then with another: the live one stays.
    url, data = change_form_data(editor_client, publication)
    data.update(title="Retitled", _continue="1")
    with capture(execute=True):
        editor_client.post(url, data)
    assert pending_for(publication).fields["hero_image"] == live
    upload_pending_hero(editor_client, publication, "blue", capture)

    with capture(execute=True):
        act(editor_client, publication, "discard")

    assert exists(settings, live)
