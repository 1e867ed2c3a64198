"""The admin index in plain words and in the order editors use it."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_index_lists_sections_in_the_order_editors_use_them(admin_client):
    app_list = admin_client.get(reverse("admin:index")).context["app_list"]
    names = [app["name"] for app in app_list]

    assert names[:3] == ["Publications", "Policy options", "People and taxonomy"]
    assert names[-2:] == ["Users and groups", "Login attempts"]
    assert [model["object_name"] for model in app_list[0]["models"]] == ["Publication"]
    assert [model["object_name"] for model in app_list[2]["models"]] == [
        "Person",
        "Topic",
        "Region",
        "PublicationType",
        "Tag",
    ]
    # Every registered model is still on the index, once.
    listed = [
        (app["app_label"], model["object_name"]) for app in app_list for model in app["models"]
    ]
    assert len(listed) == len(set(listed))
    assert {model["model"] for app in app_list for model in app["models"]} == set(
        admin.site._registry
    )


@pytest.mark.parametrize("jargon", ["Axes", "Taggit", "Authentication and Authorization"])
def test_no_technical_app_names_in_the_admin(admin_client, jargon):
    for url in [
        reverse("admin:index"),
        reverse("admin:app_list", args=["axes"]),
        reverse("admin:app_list", args=["taggit"]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:taggit_tag_changelist"),
    ]:
        assert jargon not in admin_client.get(url).content.decode(), url
