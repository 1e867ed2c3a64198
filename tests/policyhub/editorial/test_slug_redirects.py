import pytest
from django.urls import reverse

from policyhub.editorial.models import OldSlug
from tests.admin_forms import change_form_data
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db


def author(**kwargs):
    """A person readers can see: an author of a published publication."""
    person = PersonFactory(**kwargs)
    PublicationFactory(authors=[person])
    return person


KINDS = {
    "publication": (PublicationFactory, "publications:detail"),
    "option": (PolicyOptionFactory, "options:detail"),
    "person": (author, "publications:person"),
    "topic": (TopicFactory, "publications:topic"),
    "region": (RegionFactory, "publications:region"),
}


def rename(obj, slug):
    obj.slug = slug
    obj.save()


@pytest.mark.parametrize("kind", KINDS)
def test_an_old_slug_answers_301_to_the_new_address(client, kind):
    factory, url_name = KINDS[kind]
    obj = factory(slug="old-name")
    rename(obj, "new-name")

    response = client.get(reverse(url_name, args=["old-name"]))

    assert response.status_code == 301
    assert response["Location"] == reverse(url_name, args=["new-name"])
    assert client.get(response["Location"]).status_code == 200


def test_a_topic_feed_follows_the_topic(client):
    topic = TopicFactory(slug="old-topic")
    rename(topic, "new-topic")

    response = client.get(reverse("publications:topic_feed", args=["old-topic"]))

    assert response.status_code == 301
    assert response["Location"] == reverse("publications:topic_feed", args=["new-topic"])


def test_a_chain_of_renames_leads_straight_to_the_current_address(client):
    publication = PublicationFactory(slug="a")
    rename(publication, "b")
    rename(publication, "c")

    for old in ("a", "b"):
        response = client.get(reverse("publications:detail", args=[old]))
        assert response["Location"] == reverse("publications:detail", args=["c"])


def test_renaming_back_removes_the_record_and_makes_no_loop(client):
    publication = PublicationFactory(slug="a")
    rename(publication, "b")
    rename(publication, "a")

    assert list(OldSlug.objects.values_list("slug", flat=True)) == ["b"]
    assert client.get(reverse("publications:detail", args=["a"])).status_code == 200
    response = client.get(reverse("publications:detail", args=["b"]))
    assert response["Location"] == reverse("publications:detail", args=["a"])


def test_the_same_slug_in_another_kind_is_not_redirected(client):
    topic = TopicFactory(slug="shared")
    rename(topic, "renamed")
    assert client.get(reverse("publications:region", args=["shared"])).status_code == 404


@pytest.mark.parametrize("state", ["draft", "scheduled"])
def test_no_redirect_reveals_an_unpublished_publication(client, state):
    publication = PublicationFactory(slug="old-draft", **{state: True})
    rename(publication, "secret-new-name")

    response = client.get(reverse("publications:detail", args=["old-draft"]))

    assert response.status_code == 404
    assert b"secret-new-name" not in response.content


def test_no_redirect_to_an_option_whose_question_is_unpublished(client):
    option = PolicyOptionFactory(slug="old-option", question=PolicyQuestionFactory(draft=True))
    rename(option, "new-option")
    assert client.get(reverse("options:detail", args=["old-option"])).status_code == 404


@pytest.mark.parametrize("url_name", ["publications:person", "publications:person_feed"])
def test_no_redirect_reveals_a_person_readers_cannot_see_yet(client, url_name):
    person = PersonFactory(slug="old-person")
    draft = PublicationFactory(authors=[person], draft=True)
    rename(person, "secret-new-person")

    response = client.get(reverse(url_name, args=["old-person"]))

    assert response.status_code == 404
    assert b"secret-new-person" not in response.content
    draft.publish()
    assert client.get(reverse(url_name, args=["old-person"])).status_code == 301


def test_the_redirect_starts_once_the_item_is_published(client):
    publication = PublicationFactory(slug="old", draft=True)
    rename(publication, "new")
    publication.publish()

    response = client.get(reverse("publications:detail", args=["old"]))

    assert response.status_code == 301


def test_the_query_string_is_kept(client):
    topic = TopicFactory(slug="old-topic")
    rename(topic, "new-topic")

    response = client.get(reverse("publications:topic", args=["old-topic"]) + "?page=2&utm=x")

    assert response["Location"] == reverse("publications:topic", args=["new-topic"]) + (
        "?page=2&utm=x"
    )


def test_a_deleted_item_leaves_no_redirect(client):
    person = PersonFactory(slug="old-person")
    rename(person, "new-person")
    person.delete()

    assert not OldSlug.objects.exists()
    assert client.get(reverse("publications:person", args=["old-person"])).status_code == 404


def test_a_post_to_an_old_address_is_not_redirected(client):
    topic = TopicFactory(slug="old-topic")
    rename(topic, "new-topic")
    assert client.post(reverse("publications:topic", args=["old-topic"])).status_code != 301


def test_an_unknown_slug_costs_five_queries_at_most(client, django_assert_max_num_queries):
    # The topic, the old slugs, the editors' redirects (policyhub/pages); the 404 page's menus
    # and site settings.
    with django_assert_max_num_queries(5):
        assert client.get(reverse("publications:topic", args=["nothing"])).status_code == 404


def test_a_slug_change_in_the_admin_is_recorded(admin_client):
    publication = PublicationFactory(slug="before")
    url, data = change_form_data(admin_client, publication)
    data["slug"] = "after"
    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302

    response = admin_client.get(reverse("publications:detail", args=["before"]))
    assert response["Location"] == reverse("publications:detail", args=["after"])
