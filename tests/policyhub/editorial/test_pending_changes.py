"""Saving a published item's change form keeps a pending version; the live one stays."""

import pytest
from django.core.files.storage import default_storage

from policyhub.editorial import cache as page_cache
from policyhub.editorial.models import PendingChange
from policyhub.editorial.pending import pending_for, publish_pending
from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    image_file,
)

pytestmark = pytest.mark.django_db


def test_saving_a_published_publication_keeps_the_live_version(admin_client):
    author = PersonFactory(name="Ada Live")
    publication = PublicationFactory(title="Live title", authors=[author], tags=["sanctions"])
    url, data = change_form_data(admin_client, publication)
    newcomer = PersonFactory(name="Nina New")
    data.update(
        {
            "title": "Pending title",
            "body": "<p>Pending body.</p>",
            "tags": "sanctions, diplomacy",
            "authorships-1-person": str(newcomer.pk),
            "authorships-1-order": "1",
            "authorships-TOTAL_FORMS": "2",
        }
    )
    generation = page_cache.current_generation()

    response = admin_client.post(url, data)

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Live title"
    assert publication.ordered_authors == [author]
    assert list(publication.tags.names()) == ["sanctions"]
    assert page_cache.current_generation() == generation
    pending = pending_for(publication)
    assert pending.fields["title"] == "Pending title"
    assert [a["label"] for a in pending.relations["authors"]] == ["Ada Live", "Nina New"]
    assert {t["label"] for t in pending.relations["tags"]} == {"sanctions", "diplomacy"}
    assert pending.state == PendingChange.State.DRAFT


def test_the_form_opens_on_the_pending_version_with_a_banner(admin_client):
    publication = PublicationFactory(title="Live title")
    url, data = change_form_data(admin_client, publication)
    admin_client.post(url, {**data, "title": "Pending title"})

    response = admin_client.get(url)

    html = response.content.decode()
    assert 'value="Pending title"' in html
    assert "You are editing changes not yet live, saved by editor at" in html
    assert f"{url}?live=1" in html
    live_html = admin_client.get(url, {"live": "1"}).content.decode()
    assert 'value="Live title"' in live_html


def test_pending_changes_saved_again_keep_their_inline_rows(admin_client):
    first, second = PersonFactory(name="First Author"), PersonFactory(name="Second Author")
    publication = PublicationFactory(title="Live title", authors=[first])
    url, data = change_form_data(admin_client, publication)
    data.update(
        {
            "authorships-1-person": str(second.pk),
            "authorships-1-order": "1",
            "authorships-TOTAL_FORMS": "2",
        }
    )
    admin_client.post(url, data)
    # Saved again from the form opened on the pending version: both authors, no duplicates.
    _, data = change_form_data(admin_client, publication)
    data["title"] = "Second pending save"
    response = admin_client.post(url, data)

    assert response.status_code == 302
    pending = pending_for(publication)
    assert pending.fields["title"] == "Second pending save"
    assert [a["label"] for a in pending.relations["authors"]] == ["First Author", "Second Author"]


def test_publishing_pending_changes_makes_them_live_with_one_revision(admin_client):
    publication = PublicationFactory(title="Live title", tags=["old"])
    url, data = change_form_data(admin_client, publication)
    admin_client.post(url, {**data, "title": "New title", "tags": "new"})
    revisions = publication.history.count()
    changes = publication.state_changes.count()

    publish_pending(publication, pending_for(publication))

    publication = Publication.objects.get(pk=publication.pk)
    assert publication.title == "New title"
    assert list(publication.tags.names()) == ["new"]
    assert publication.history.count() == revisions + 1
    assert publication.state_changes.count() == changes + 1
    assert pending_for(publication) is None


def test_a_pending_save_over_a_later_pending_save_is_refused(admin_client):
    publication = PublicationFactory(title="Live title")
    url, first = change_form_data(admin_client, publication)
    _, second = change_form_data(admin_client, publication)
    admin_client.post(url, {**first, "title": "First"})

    response = admin_client.post(url, {**second, "title": "Second"})

    assert response.status_code == 200
    assert "saved pending changes at" in response.content.decode()
    assert pending_for(publication).fields["title"] == "First"


def test_unpublishing_stays_a_live_change(admin_client):
    publication = PublicationFactory()
    url, data = change_form_data(admin_client, publication)

    admin_client.post(url, {**data, "status": "unpublished"})

    publication.refresh_from_db()
    assert publication.status == "unpublished"
    assert pending_for(publication) is None


@pytest.mark.parametrize("kind", ["option", "question"])
def test_options_and_questions_get_pending_changes(admin_client, kind):
    obj = PolicyOptionFactory(title="Live") if kind == "option" else PolicyQuestionFactory()
    live_title = obj.title
    url, data = change_form_data(admin_client, obj)

    assert admin_client.post(url, {**data, "title": "Pending"}).status_code == 302

    obj.refresh_from_db()
    assert obj.title == live_title
    assert pending_for(obj).fields["title"] == "Pending"
    assert 'value="Pending"' in admin_client.get(url).content.decode()


def test_a_pending_image_upload_is_kept_and_the_live_image_stays(admin_client):
    publication = PublicationFactory(
        hero_image=image_file("live.png"), hero_alt="Live picture", title="Live title"
    )
    live_name = publication.hero_image.name
    url, data = change_form_data(admin_client, publication)
    data.pop("hero_image-clear", None)

    response = admin_client.post(
        url, {**data, "hero_image": image_file("pending.png", colour="red"), "hero_alt": "New"}
    )

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.hero_image.name == live_name
    assert default_storage.exists(live_name)
    pending_name = pending_for(publication).fields["hero_image"]
    assert pending_name != live_name
    assert default_storage.exists(pending_name)


def test_an_import_changes_the_live_item_and_keeps_its_pending_changes(admin_client, write_jsonl):
    from django.core.management import call_command

    from tests.factories import publication_line

    call_command("import_content", write_jsonl(publication_line("a")), "--no-progress")
    publication = Publication.objects.get(slug="a")
    url, data = change_form_data(admin_client, publication)
    admin_client.post(url, {**data, "title": "Pending title"})

    line = publication_line("a", title="Imported title")
    call_command("import_content", write_jsonl(line, name="again.jsonl"), "--no-progress")

    publication.refresh_from_db()
    assert publication.title == "Imported title"
    assert pending_for(publication).fields["title"] == "Pending title"
