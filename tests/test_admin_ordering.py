"""Every admin list is ordered, so pagination is stable and Django raises no
UnorderedObjectListWarning. Annotated (GROUP BY) querysets drop Meta.ordering: the changelist
re-adds it, but autocomplete and other views built on ``get_queryset()`` do not."""

import warnings

import pytest
from django.contrib import admin
from django.core.paginator import UnorderedObjectListWarning
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


# django-axes' login logs are never autocompleted; their changelist orders them by date.
OURS = [
    model_admin
    for model_admin in admin.site._registry.values()
    if model_admin.model._meta.app_label != "axes"
]


@pytest.mark.parametrize(
    "model_admin",
    OURS,
    ids=lambda model_admin: model_admin.model._meta.label,
)
def test_admin_querysets_are_ordered(model_admin, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    assert model_admin.get_queryset(request).ordered


def test_autocomplete_pages_raise_no_unordered_warning(admin_client):
    for app_label, model_name, field_name in [
        ("options", "policyoption", "prerequisites"),
        ("options", "policyoption", "question"),
        ("options", "policyoption", "actors"),
        ("publications", "publication", "topics"),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error", UnorderedObjectListWarning)
            response = admin_client.get(
                "/admin/autocomplete/",
                {"app_label": app_label, "model_name": model_name, "field_name": field_name},
            )
        assert response.status_code == 200, (model_name, field_name)
