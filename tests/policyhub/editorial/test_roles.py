"""The Contributors and Editors groups: made after every migrate from editorial/roles.py, what
each may do in the admin, and nothing on users or groups."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.urls import reverse

from policyhub.editorial.roles import CONTRIBUTORS, EDITORS, ensure_roles
from tests.factories import (
    ActorFactory,
    PersonFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    TrackFactory,
)
from tests.workflow_forms import admin_url

pytestmark = pytest.mark.django_db

TAXONOMIES = [TopicFactory, RegionFactory, TrackFactory, ActorFactory, PolicyQuestionFactory]


def codenames(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_migrate_creates_both_groups_from_the_one_definition():
    Group.objects.filter(name__in=[CONTRIBUTORS, EDITORS]).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    assert "publish_publication" in codenames(EDITORS)
    assert "publish_policyoption" in codenames(EDITORS)
    assert "add_publication" in codenames(CONTRIBUTORS)
    assert "change_synonym" in codenames(EDITORS)


def test_roles_are_idempotent(roles):
    before = {name: codenames(name) for name in (CONTRIBUTORS, EDITORS)}
    ensure_roles()
    assert {name: codenames(name) for name in (CONTRIBUTORS, EDITORS)} == before
    assert Group.objects.filter(name__in=[CONTRIBUTORS, EDITORS]).count() == 2


def test_contributors_write_content_but_cannot_publish_or_manage_taxonomies(roles):
    granted = codenames(CONTRIBUTORS)
    assert {
        "add_publication",
        "change_publication",
        "add_policyoption",
        "change_policyoption",
        "add_person",
        "view_topic",
        "view_policyquestion",
    } <= granted
    forbidden = {
        "publish_publication",
        "publish_policyoption",
        "publish_policyquestion",
        "change_topic",
        "change_region",
        "change_publicationtype",
        "change_track",
        "change_actor",
        "change_policyquestion",
        "change_person",
        "delete_tag",
        "change_user",
        "change_group",
    }
    assert not granted & forbidden


def test_editors_publish_and_manage_taxonomies_people_and_tags_but_not_users(roles):
    granted = codenames(EDITORS)
    assert {
        "publish_publication",
        "publish_policyoption",
        "publish_policyquestion",
        "change_topic",
        "change_region",
        "change_publicationtype",
        "change_track",
        "change_actor",
        "change_policyquestion",
        "change_person",
        "delete_tag",
        "change_synonym",
    } <= granted
    assert not {p for p in granted if p.endswith(("_user", "_group", "_permission"))}
    assert not {"add_statechange", "change_statechange", "delete_statechange"} & granted


def test_contributor_in_the_admin(client, contributor):
    client.force_login(contributor)
    TopicFactory(name="Mediation")
    assert client.get(admin_url(PublicationFactory._meta.model, "add")).status_code == 200
    # The pickers work (view permission on what they pick from)...
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "publications",
            "model_name": "publication",
            "field_name": "topics",
            "term": "medi",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Mediation"]
    # ...but taxonomies are read-only and users out of reach.
    for factory in TAXONOMIES:
        obj = factory()
        assert client.get(admin_url(obj, "change", obj.pk)).status_code == 200
        assert client.post(admin_url(obj, "change", obj.pk), {}).status_code == 403
        assert client.get(admin_url(obj, "add")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_editor_in_the_admin(client, editor):
    client.force_login(editor)
    for factory in [*TAXONOMIES, PersonFactory]:
        obj = factory()
        assert client.get(admin_url(obj, "add")).status_code == 200
        assert client.get(admin_url(obj, "delete", obj.pk)).status_code == 200
    assert client.get(reverse("admin:taggit_tag_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
