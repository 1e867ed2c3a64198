""" "Save as new" on publishable content: not offered, and a forged POST changes nothing (a copy
would skip the workflow, and of a live item with pending changes would mix the two versions)."""

import pytest
from django.contrib import admin

from policyhub.editorial.models import publishable_models
from policyhub.editorial.pending import pending_for
from publications.models import Publication
from tests.factories import PublicationFactory
from tests.policyhub.editorial.test_pending_review import logged_in, propose

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", publishable_models(), ids=lambda m: m._meta.label)
def test_no_publishable_admin_offers_save_as_new(model, admin_client):
    assert admin.site._registry[model].save_as is False
    opts = model._meta
    html = admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").content.decode()
    assert "_saveasnew" not in html


def test_a_forged_save_as_new_on_live_content_with_pending_changes_changes_nothing(editor):
    editor_client = logged_in(editor)
    publication = PublicationFactory(title="Live title", slug="live")
    propose(editor_client, publication, title="Pending title")
    token = pending_for(publication).token

    response = propose(editor_client, publication, "_saveasnew", title="Copy title", slug="copy")

    assert response.status_code == 302
    assert Publication.objects.count() == 1
    publication.refresh_from_db()
    assert publication.title == "Live title"
    pending = pending_for(publication)
    assert pending.token == token and pending.fields["title"] == "Pending title"
    page = editor_client.get(response["Location"]).content.decode()
    assert "“Save as new” is not available" in page
