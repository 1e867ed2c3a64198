import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from publications.tags import merge_tags, most_used, with_usage_counts
from tests.factories import PolicyOptionFactory, PolicyQuestionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:taggit_tag_changelist"


@pytest.fixture
def tagged():
    """Three spellings of one idea spread over every tagged model, some items with two of them."""
    tags = {
        name: Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        for name in ["DPRK", "North Korea", "N. Korea", "Sanctions"]
    }
    items = {
        "pub_dprk_only": PublicationFactory(tags=["DPRK"]),
        "pub_both": PublicationFactory(tags=["DPRK", "North Korea", "Sanctions"]),
        "pub_unrelated": PublicationFactory(tags=["Sanctions"]),
        "option_nk_only": PolicyOptionFactory(tags=["N. Korea"]),
        "option_all_three": PolicyOptionFactory(tags=["DPRK", "N. Korea", "North Korea"]),
        "question_dprk": PolicyQuestionFactory(),
    }
    items["question_dprk"].tags.set(["DPRK"])
    return tags, items


def names(item):
    return sorted(item.tags.names())


def test_merge_moves_every_item_to_the_survivor_without_duplicates(tagged):
    tags, items = tagged
    survivor = tags["North Korea"]

    result = merge_tags(survivor, [tags["DPRK"], tags["North Korea"], tags["N. Korea"]])

    assert names(items["pub_dprk_only"]) == ["North Korea"]
    assert names(items["pub_both"]) == ["North Korea", "Sanctions"]
    assert names(items["pub_unrelated"]) == ["Sanctions"]
    assert names(items["option_nk_only"]) == ["North Korea"]
    assert names(items["option_all_three"]) == ["North Korea"]
    assert names(items["question_dprk"]) == ["North Korea"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["North Korea", "Sanctions"]
    # Moved: DPRK on pub_dprk_only and on the question, N. Korea on option_nk_only. Duplicates:
    # DPRK on pub_both, DPRK and N. Korea on option_all_three (they already had North Korea).
    assert result.moved == 3
    assert result.duplicates_removed == 3
    assert result.merged_names == ["DPRK", "N. Korea"]


def test_merge_keeps_every_tagged_item(tagged):
    tags, items = tagged
    survivor = tags["DPRK"]
    before = {key: bool(item.tags.exclude(name="Sanctions")) for key, item in items.items()}

    merge_tags(survivor, list(tags.values())[:3])

    for key, item in items.items():
        if before[key]:
            assert "DPRK" in item.tags.names(), key
    survivor_usage = with_usage_counts(Tag.objects.filter(pk=survivor.pk)).get()
    assert survivor_usage.usage_total == 5


def test_merging_a_tag_into_itself_changes_nothing(tagged):
    tags, items = tagged
    result = merge_tags(tags["DPRK"], [tags["DPRK"]])
    assert result.moved == result.duplicates_removed == 0
    assert Tag.objects.count() == 4


def test_usage_counts_and_most_used(tagged):
    tags, _ = tagged
    counted = {tag.name: tag for tag in with_usage_counts(Tag.objects.all())}
    assert counted["DPRK"].usage_publications_taggedpublication == 2
    assert counted["DPRK"].usage_options_taggedoption == 1
    assert counted["DPRK"].usage_options_taggedquestion == 1
    assert counted["DPRK"].usage_total == 4
    assert counted["N. Korea"].usage_total == 2
    assert most_used([counted["N. Korea"], counted["DPRK"], counted["North Korea"]]).name == "DPRK"


def test_admin_merge_action_shows_confirmation_with_most_used_preselected(admin_client, tagged):
    tags, _ = tagged
    selected = [tags["DPRK"].pk, tags["N. Korea"].pk]
    response = admin_client.post(
        reverse(CHANGELIST), {"action": "merge_selected", ACTION_CHECKBOX_NAME: selected}
    )
    assert response.status_code == 200
    assert response.context["form"].initial["survivor"] == tags["DPRK"].pk
    assert b"Merge tags" in response.content
    assert b"(used 4 times)" in response.content
    # Showing the confirmation changes nothing.
    assert Tag.objects.count() == 4


def test_admin_merge_action_merges_on_confirm(admin_client, tagged):
    tags, items = tagged
    selected = [tags["DPRK"].pk, tags["N. Korea"].pk, tags["North Korea"].pk]
    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: selected,
            "survivor": tags["N. Korea"].pk,
            "confirm": "Merge tags",
        },
        follow=True,
    )
    assert response.status_code == 200
    message = str(next(iter(response.context["messages"])))
    assert "Merged 2 tag(s)" in message
    assert "3 item(s) retagged, 3 duplicate" in message
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["N. Korea", "Sanctions"]
    assert names(items["pub_both"]) == ["N. Korea", "Sanctions"]
    assert names(items["question_dprk"]) == ["N. Korea"]


def test_admin_merge_refuses_a_survivor_outside_the_selection(admin_client, tagged):
    tags, _ = tagged
    response = admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [tags["DPRK"].pk, tags["N. Korea"].pk],
            "survivor": tags["Sanctions"].pk,
            "confirm": "Merge tags",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Tag.objects.count() == 4


def test_admin_merge_cancel_keeps_everything(admin_client, tagged):
    tags, items = tagged
    before = {key: names(item) for key, item in items.items()}
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [tags["DPRK"].pk, tags["N. Korea"].pk]},
    )
    cancel_url = reverse(CHANGELIST)
    assert f'href="{cancel_url}"'.encode() in response.content
    assert admin_client.get(cancel_url).status_code == 200
    assert Tag.objects.count() == 4
    assert {key: names(item) for key, item in items.items()} == before


def test_admin_merge_needs_two_tags(admin_client, tagged):
    tags, _ = tagged
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [tags["DPRK"].pk]},
        follow=True,
    )
    assert "at least two" in str(next(iter(response.context["messages"])))
    assert Tag.objects.count() == 4


def test_a_tag_whose_name_slugifies_to_nothing_still_gets_a_slug():
    first = Tag.objects.create(name="!!!")
    second = Tag.objects.create(name="???")
    named = Tag.objects.create(name="Côte d'Ivoire")

    assert first.slug.startswith("tag-")
    assert second.slug.startswith("tag-")
    assert first.slug != second.slug
    # Names that do slugify keep taggit's slug.
    assert named.slug == "côte-divoire"


def test_admin_merge_confirmation_is_csrf_protected_and_escapes_tag_names(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("csrf", "c@example.org", "pw"))
    hostile = Tag.objects.create(name="<script>alert(1)</script>", slug="hostile")
    plain = Tag.objects.create(name="Plain", slug="plain")
    merge = {
        "action": "merge_selected",
        ACTION_CHECKBOX_NAME: [hostile.pk, plain.pk],
        "survivor": plain.pk,
        "confirm": "Merge tags",
    }

    assert client.post(reverse(CHANGELIST), merge).status_code == 403
    assert Tag.objects.count() == 2

    client.get(reverse(CHANGELIST))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse(CHANGELIST),
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [hostile.pk, plain.pk]},
        HTTP_X_CSRFTOKEN=token,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    response = client.post(reverse(CHANGELIST), merge, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Plain"]
