"""A tag merge keeps a revision of every publication and option whose tags it changed."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from policyhub.editorial.revisions import record_relations
from publications.models import Publication
from publications.tags import merge_tags
from tests.factories import PolicyOptionFactory, PolicyQuestionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    tags = {
        name: Tag.objects.create(name=name, slug=name.lower().replace(" ", "-").replace(".", ""))
        for name in ["DPRK", "North Korea", "N. Korea", "Sanctions"]
    }
    items = {
        "pub_dprk": PublicationFactory(tags=["DPRK", "Sanctions"]),
        "pub_both": PublicationFactory(tags=["DPRK", "North Korea"]),
        "pub_unrelated": PublicationFactory(tags=["Sanctions"]),
        "pub_survivor_only": PublicationFactory(tags=["North Korea"]),
        "option_two": PolicyOptionFactory(tags=["DPRK", "N. Korea"]),
        "option_unrelated": PolicyOptionFactory(tags=["Sanctions"]),
    }
    for item in items.values():
        record_relations(item)  # the factories add tags after the first save
    # A tagged model without revisions: the merge still works for it.
    PolicyQuestionFactory().tags.set(["DPRK"])
    return tags, items


def latest(item):
    return item.history.order_by("-history_id").first()


def counts(items):
    return {key: item.history.count() for key, item in items.items()}


def labels(revision):
    return [entry["label"] for entry in revision.relations["tags"]]


def test_each_item_whose_tags_changed_gets_one_revision_with_the_new_tag(tagged):
    tags, items = tagged
    before = counts(items)

    merge_tags(tags["North Korea"], [tags["DPRK"], tags["N. Korea"], tags["North Korea"]])

    after = counts(items)
    changed = {key for key in items if after[key] != before[key]}
    assert changed == {"pub_dprk", "pub_both", "option_two"}
    assert all(after[key] == before[key] + 1 for key in changed)
    assert labels(latest(items["pub_dprk"])) == ["North Korea", "Sanctions"]
    assert labels(latest(items["pub_both"])) == ["North Korea"]
    assert labels(latest(items["option_two"])) == ["North Korea"]
    revision = latest(items["pub_dprk"])
    assert revision.history_type == "~"
    assert revision.history_change_reason == "Tag “DPRK” merged into “North Korea”"
    assert revision.history_user is None
    assert revision.title == items["pub_dprk"].title
    assert (
        latest(items["option_two"]).history_change_reason
        == "Tags “DPRK”, “N. Korea” merged into “North Korea”"
    )
    # The rest of the snapshot is the item's, not an empty one.
    assert (
        revision.relations == Publication.objects.get(pk=items["pub_dprk"].pk).relations_snapshot()
    )


def test_the_admin_merge_records_who_merged(admin_client, tagged):
    tags, items = tagged
    admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {
            "action": "merge_selected",
            ACTION_CHECKBOX_NAME: [tags["DPRK"].pk, tags["North Korea"].pk],
            "survivor": tags["North Korea"].pk,
            "confirm": "Merge tags",
        },
    )

    revision = latest(items["pub_dprk"])
    assert revision.history_change_reason == "Tag “DPRK” merged into “North Korea”"
    assert revision.history_user.username == "editor"
    assert latest(items["option_two"]).history_change_reason == (
        "Tag “DPRK” merged into “North Korea”"
    )


def test_the_history_page_shows_the_merge(admin_client, tagged):
    tags, items = tagged
    merge_tags(tags["North Korea"], [tags["DPRK"], tags["North Korea"]])

    response = admin_client.get(
        reverse("admin:publications_publication_history", args=[items["pub_dprk"].pk])
    )

    html = response.content.decode()
    assert "Tag “DPRK” merged into “North Korea”" in html
    assert "Added: <ins>North Korea</ins>" in html


def test_the_query_count_does_not_grow_with_the_items_merged():
    def merge(prefix, count):
        for _ in range(count):
            PublicationFactory(tags=[f"{prefix} old"])
            PolicyOptionFactory(tags=[f"{prefix} old"])
        survivor = Tag.objects.create(name=f"{prefix} new", slug=f"{prefix}-new")
        with CaptureQueriesContext(connection) as queries:
            merge_tags(survivor, [Tag.objects.get(name=f"{prefix} old")])
        return len(queries)

    assert merge("few", 2) == merge("many", 25)
    assert Publication.history.filter(history_change_reason__contains="many").count() == 25
