"""The change forms' markup: no label points at a field the editor cannot see (the Nu checker
rejects a <label for> naming a hidden input)."""

import re

import pytest
from django.urls import reverse

from tests.factories import PolicyOptionFactory, PolicyQuestionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "admin_name", "guard"),
    [
        (PublicationFactory, "publications_publication", "id_loaded_revision"),
        (PolicyOptionFactory, "options_policyoption", "id_loaded_revision"),
        (PolicyQuestionFactory, "options_policyquestion", "id_loaded_pending"),
    ],
)
def test_no_label_points_at_a_hidden_input(admin_client, factory, admin_name, guard):
    item = factory()
    page = admin_client.get(reverse(f"admin:{admin_name}_change", args=[item.pk]))
    html = page.content.decode()
    hidden = set(re.findall(r'<input type="hidden" name="[^"]*" value="[^"]*" id="([^"]+)"', html))
    hidden |= set(re.findall(r'<input type="hidden"[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))

    assert {guard, "id_status"} <= hidden  # the edit guard and the workflow's status
    assert labelled  # the visible fields are labelled
    assert labelled & hidden == set()
