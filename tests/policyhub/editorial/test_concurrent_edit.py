import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from policyhub.editorial.revisions import record_relations
from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.factories import PolicyOptionFactory, PublicationFactory
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editors():
    clients = []
    for name, full_name in (("alice", "Alice Archer"), ("bob", "Bob Baker")):
        user = User.objects.create_superuser(name, f"{name}@example.org", "pw")
        user.first_name, user.last_name = full_name.split()
        user.save()
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_a_save_over_a_later_save_is_refused_and_the_input_kept(two_editors):
    alice, bob = two_editors
    publication = PublicationFactory(title="Original", tags=["sanctions"])
    record_relations(publication)
    url, alice_data = change_form_data(alice, publication)
    _, bob_data = change_form_data(bob, publication)

    bob_data["title"] = "Bob's title"
    assert bob.post(url, {**bob_data, **PUBLISH_CHANGES}).status_code == 302
    alice_data.update({"title": "Alice's title", "summary": "Alice's careful summary."})
    response = alice.post(url, {**alice_data, **PUBLISH_CHANGES})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bob Baker saved this publication at" in html
    assert "They changed: title." in html
    assert "Your changes have not been saved" in html
    # Nothing lost: Alice's input is still in the form.
    assert 'value="Alice&#x27;s title"' in html
    assert "Alice&#x27;s careful summary." in html
    publication.refresh_from_db()
    assert publication.title == "Bob's title"


def test_saving_again_after_the_warning_replaces_the_other_save(two_editors):
    alice, bob = two_editors
    publication = PublicationFactory(title="Original")
    url, alice_data = change_form_data(alice, publication)
    _, bob_data = change_form_data(bob, publication)
    bob_data["title"] = "Bob's title"
    bob.post(url, {**bob_data, **PUBLISH_CHANGES})
    alice_data["title"] = "Alice's title"
    refused = alice.post(url, {**alice_data, **PUBLISH_CHANGES})

    form = refused.context["adminform"].form
    again = dict(alice_data, loaded_revision=form["loaded_revision"].value())
    response = alice.post(url, {**again, **PUBLISH_CHANGES})

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Alice's title"


def test_a_save_from_a_fresh_form_is_accepted(two_editors):
    alice, bob = two_editors
    publication = PublicationFactory(title="Original")
    url, bob_data = change_form_data(bob, publication)
    bob_data["title"] = "Bob's title"
    bob.post(url, {**bob_data, **PUBLISH_CHANGES})
    _, alice_data = change_form_data(alice, publication)
    alice_data["title"] = "Alice's title"

    assert alice.post(url, {**alice_data, **PUBLISH_CHANGES}).status_code == 302
    assert Publication.objects.get(pk=publication.pk).title == "Alice's title"


def test_a_script_save_in_between_is_caught_too(two_editors):
    alice, _ = two_editors
    publication = PublicationFactory(title="Original")
    url, alice_data = change_form_data(alice, publication)
    publication.title = "Imported title"
    publication.save()

    alice_data["title"] = "Alice's title"
    response = alice.post(url, {**alice_data, **PUBLISH_CHANGES})

    assert response.status_code == 200
    assert "no user recorded" in response.content.decode()
    assert Publication.objects.get(pk=publication.pk).title == "Imported title"


@pytest.mark.parametrize("forged", ["abc", "-1", "99999999999999999999", "1 OR 1=1", "１"])
def test_a_forged_loaded_revision_is_refused_not_a_500(two_editors, forged):
    alice, _ = two_editors
    publication = PublicationFactory(title="Original")
    url, data = change_form_data(alice, publication)
    data.update({"title": "Changed", "loaded_revision": forged})

    response = alice.post(url, {**data, **PUBLISH_CHANGES})

    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert Publication.objects.get(pk=publication.pk).title == "Original"


@pytest.mark.parametrize(
    "make", [PublicationFactory, PolicyOptionFactory], ids=["publication", "option"]
)
def test_the_hidden_revision_input_has_no_label(admin_client, make):
    obj = make()
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    html = admin_client.get(url).content.decode()

    assert re.search(
        r'<input type="hidden" name="loaded_revision"[^>]* id="id_loaded_revision"', html
    )
    assert 'for="id_loaded_revision"' not in html
