"""Editors manage synonym groups in the admin; a change applies to the next search."""

import pytest
from django.urls import reverse

from policyhub.search import search
from policyhub.search.models import Synonym
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def test_synonym_changelist_and_forms_render(admin_client):
    synonym = Synonym.objects.create(terms="DPRK, North Korea")
    assert admin_client.get(reverse("admin:search_synonym_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:search_synonym_add")).status_code == 200
    change = reverse("admin:search_synonym_change", args=[synonym.pk])
    response = admin_client.get(change)
    assert response.status_code == 200
    assert "DPRK ⇔ North Korea" in response.content.decode()


def test_adding_a_synonym_in_the_admin_applies_at_once(admin_client):
    PublicationFactory(title="Pyongyang notebook")
    assert search("DPRK").total == 0  # also fills the synonym cache
    response = admin_client.post(
        reverse("admin:search_synonym_add"), {"terms": "DPRK, Pyongyang", "note": ""}
    )
    assert response.status_code == 302
    assert search("DPRK").total == 1


def test_term_list_ignores_blank_entries():
    assert Synonym(terms=" UN ,, United Nations ,").term_list == ["UN", "United Nations"]
