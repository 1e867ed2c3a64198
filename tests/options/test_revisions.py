import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from options.models import OptionSource
from policyhub.editorial.pending import pending_for, publish_pending
from policyhub.editorial.revisions import record_relations
from tests.admin_forms import change_form_data
from tests.factories import (
    ActorFactory,
    OptionSourceFactory,
    PolicyOptionFactory,
    PublicationFactory,
)
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db


def restore_url(option, revision):
    return reverse("admin:options_policyoption_restore", args=[option.pk, revision.history_id])


def latest(option):
    return option.history.order_by("-history_id").first()


def test_an_admin_save_records_actors_tags_and_sources_with_stance(admin_client):
    option = PolicyOptionFactory()
    actor = ActorFactory(name="State Department")
    publication = PublicationFactory(title="The case for talks")
    url, data = change_form_data(admin_client, option)
    data.update(
        {
            "actors": [str(actor.pk)],
            "tags": "diplomacy",
            "source_links-TOTAL_FORMS": "1",
            "source_links-0-publication": str(publication.pk),
            "source_links-0-stance": "opposes",
            "source_links-0-order": "0",
            "source_links-0-note": "Only in part",
        }
    )

    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302

    relations = latest(option).relations
    assert [a["label"] for a in relations["actors"]] == ["State Department"]
    assert [t["label"] for t in relations["tags"]] == ["diplomacy"]
    assert relations["sources"][0]["stance"] == "opposes"
    assert relations["sources"][0]["label"] == "The case for talks — opposes; note: Only in part"


def test_the_history_page_shows_a_changed_stance(admin_client):
    source = OptionSourceFactory(stance="supports")
    option = source.option
    record_relations(option)
    url, data = change_form_data(admin_client, option)
    data["source_links-0-stance"] = "opposes"
    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302

    html = admin_client.get(
        reverse("admin:options_policyoption_history", args=[option.pk])
    ).content.decode()

    assert "— supports" in html
    assert "— opposes" in html


def test_restore_brings_back_fields_sources_actors_and_prerequisites(admin_client):
    first = PolicyOptionFactory()
    actor = ActorFactory()
    option = PolicyOptionFactory(title="Original", actors=[actor], prerequisites=[first])
    OptionSourceFactory(option=option, stance="supports", note="a note", quote="a quote")
    record_relations(option)
    original = latest(option)
    option.title = "Changed"
    option.save()
    option.actors.clear()
    option.prerequisites.clear()
    option.source_links.update(stance="opposes", note="")
    option.tags.add("new tag")
    option.save()

    assert admin_client.post(restore_url(option, original)).status_code == 302
    # Live content: the restore is kept as pending changes, live once published.
    assert option.title == "Changed"
    publish_pending(option, pending_for(option))

    option.refresh_from_db()
    assert option.title == "Original"
    assert list(option.actors.all()) == [actor]
    assert list(option.prerequisites.all()) == [first]
    assert list(option.tags.names()) == []
    source = OptionSource.objects.get(option=option)
    assert (source.stance, source.note, source.quote) == ("supports", "a note", "a quote")


def test_restore_never_brings_back_a_prerequisite_cycle(admin_client):
    a, b = PolicyOptionFactory(), PolicyOptionFactory()
    a.prerequisites.set([b])
    record_relations(a)
    with_b = latest(a)
    a.prerequisites.clear()
    a.save()
    b.prerequisites.set([a])  # now b depends on a: restoring a → b would close a cycle

    response = admin_client.post(restore_url(a, with_b), follow=True)
    publish_pending(a, pending_for(a))

    assert list(a.prerequisites.all()) == []
    assert "would make a cycle" in response.content.decode()


def test_an_option_form_loaded_before_another_save_is_refused(admin_client):
    option = PolicyOptionFactory(title="Original")
    url, stale = change_form_data(admin_client, option)
    other = User.objects.create_superuser("other", "other@example.org", "pw")
    other_client = Client()
    other_client.force_login(other)
    _, fresh = change_form_data(other_client, option)
    fresh["title"] = "Other's title"
    assert other_client.post(url, {**fresh, **PUBLISH_CHANGES}).status_code == 302

    stale["title"] = "Mine"
    response = admin_client.post(url, {**stale, **PUBLISH_CHANGES})

    assert response.status_code == 200
    assert "other saved this policy option at" in response.content.decode()
    option.refresh_from_db()
    assert option.title == "Other's title"
