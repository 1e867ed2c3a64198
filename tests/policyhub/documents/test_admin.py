import pytest
from django.urls import reverse

from tests.factories import DocumentFactory, PublicationDocumentFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_the_library_lists_searches_and_filters_with_usage(admin_client):
    used = DocumentFactory(title="Engaging Pyongyang, full text")
    PublicationDocumentFactory(
        document=used, publication=PublicationFactory(title="Engaging Pyongyang")
    )
    DocumentFactory(title="Orphan annex")
    url = reverse("admin:documents_document_changelist")
    page = admin_client.get(url).content.decode()
    assert "Engaging Pyongyang</a> (Full report)" in page  # the "used by" column
    assert "Orphan annex" in page
    found = admin_client.get(url, {"q": "orphan"}).content.decode()
    assert "Orphan annex" in found and "full text" not in found
    unused = admin_client.get(url, {"used": "no"}).content.decode()
    assert "Orphan annex" in unused and "full text" not in unused
    change = admin_client.get(reverse("admin:documents_document_change", args=[used.pk]))
    assert change.status_code == 200


def test_the_publication_form_has_the_documents_inline(admin_client):
    attachment = PublicationDocumentFactory(label="annex")
    url = reverse("admin:publications_publication_change", args=[attachment.publication.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="document_attachments-0-document"' in page
    assert 'name="document_attachments-0-label"' in page


def test_contributors_cannot_change_a_document_of_published_content(client, contributor):
    live = PublicationDocumentFactory().document
    draft = PublicationDocumentFactory(publication=PublicationFactory(draft=True)).document
    client.force_login(contributor)
    live_url = reverse("admin:documents_document_change", args=[live.pk])
    draft_url = reverse("admin:documents_document_change", args=[draft.pk])
    # View only: the form has no file input and a POST is refused.
    assert 'type="file"' not in client.get(live_url).content.decode()
    assert client.post(live_url, {"title": "Changed", "language": "en"}).status_code == 403
    assert 'type="file"' in client.get(draft_url).content.decode()
    delete_url = reverse("admin:documents_document_delete", args=[live.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403


def test_an_editor_may_change_it(client, editor):
    live = PublicationDocumentFactory().document
    client.force_login(editor)
    url = reverse("admin:documents_document_change", args=[live.pk])
    response = client.post(url, {"title": "Renamed", "description": "", "language": "en"})
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == "Renamed"
