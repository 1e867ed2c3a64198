"""Attached documents in revisions: kept with their label and order, shown in the history's
differences, brought back by a restore, and held in a pending version until it is published."""

import pytest
from django.urls import reverse

from policyhub.editorial.pending import pending_for, publish_pending
from policyhub.editorial.revisions import record_relations
from policyhub.search.engine import search
from tests.admin_forms import change_form_data
from tests.factories import (
    DocumentFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    pdf_upload,
)
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db


def attached(publication):
    return [(a.document.title, a.label) for a in publication.document_attachments.order_by("order")]


def latest(publication):
    return publication.history.order_by("-history_id").first()


@pytest.fixture
def report():
    return DocumentFactory(title="Main study", file=pdf_upload(["Kelp farming in the fjords"]))


@pytest.fixture
def annex():
    return DocumentFactory(title="Data tables", file=pdf_upload(["Tonnes of kelp by year"]))


def test_a_revision_keeps_the_documents_in_order_with_their_labels(report, annex):
    publication = PublicationFactory(title="Kelp")
    PublicationDocumentFactory(publication=publication, document=annex, label="annex", order=1)
    PublicationDocumentFactory(publication=publication, document=report, order=0)

    revision = record_relations(publication)

    assert revision.relations["documents"] == [
        {"id": report.pk, "label": "Full report: Main study", "kind": "full-report"},
        {"id": annex.pk, "label": "Annex: Data tables", "kind": "annex"},
    ]


def test_the_history_shows_a_document_attached_through_the_form(admin_client, report, annex):
    publication = PublicationFactory(title="Kelp")
    PublicationDocumentFactory(publication=publication, document=report)
    record_relations(publication)
    url, data = change_form_data(admin_client, publication)
    data.update(
        {
            "document_attachments-1-document": str(annex.pk),
            "document_attachments-1-label": "annex",
            "document_attachments-1-order": "1",
        }
    )

    response = admin_client.post(url, {**data, **PUBLISH_CHANGES})

    assert response.status_code == 302
    assert [item["label"] for item in latest(publication).relations["documents"]] == [
        "Full report: Main study",
        "Annex: Data tables",
    ]
    history = reverse("admin:publications_publication_history", args=[publication.pk])
    html = admin_client.get(history).content.decode()
    assert "Added: <ins>Annex: Data tables</ins>" in html


def test_restore_brings_back_the_documents_and_the_search_follows(admin_client, report, annex):
    publication = PublicationFactory(title="Kelp")
    PublicationDocumentFactory(publication=publication, document=report)
    original = record_relations(publication)
    publication.document_attachments.all().delete()
    PublicationDocumentFactory(publication=publication, document=annex, label="annex")
    publication.save()  # a new revision, with the annex
    assert not search("fjords").total

    restore = reverse(
        "admin:publications_publication_restore", args=[publication.pk, original.history_id]
    )
    assert admin_client.post(restore).status_code == 302
    # Live content: the restore waits as pending changes; the live page keeps the annex.
    assert attached(publication) == [("Data tables", "annex")]
    assert pending_for(publication).relations["documents"][0]["id"] == report.pk

    publish_pending(publication, pending_for(publication))

    assert attached(publication) == [("Main study", "full-report")]
    assert [item["id"] for item in latest(publication).relations["documents"]] == [report.pk]
    assert search("fjords").total == 1


def test_a_document_deleted_since_is_left_out_with_a_note(report, annex):
    from policyhub.editorial.revisions import restore

    publication = PublicationFactory(title="Kelp", draft=True)
    PublicationDocumentFactory(publication=publication, document=report)
    PublicationDocumentFactory(publication=publication, document=annex, label="annex", order=1)
    original = record_relations(publication)
    publication.document_attachments.filter(document=annex).delete()
    annex.delete()
    publication.save()

    notes = restore(publication, original)

    assert attached(publication) == [("Main study", "full-report")]
    assert notes == ["The document “Annex: Data tables” no longer exists and was left out."]


def test_a_revision_from_before_documents_leaves_them_as_they_are(report):
    from policyhub.editorial.revisions import restore

    publication = PublicationFactory(title="Kelp", draft=True)
    old = record_relations(publication)
    old.relations.pop("documents")
    old.save(update_fields=["relations"])
    PublicationDocumentFactory(publication=publication, document=report)
    publication.save()

    restore(publication, old)

    assert attached(publication) == [("Main study", "full-report")]


def test_a_pending_version_holds_new_documents_and_its_preview_shows_them(
    admin_client, client, report, annex
):
    publication = PublicationFactory(title="Kelp")
    PublicationDocumentFactory(publication=publication, document=report)
    url, data = change_form_data(admin_client, publication)
    data.update(
        {
            "document_attachments-1-document": str(annex.pk),
            "document_attachments-1-label": "annex",
            "document_attachments-1-order": "1",
        }
    )

    # Saved without publishing: the live page keeps its one document.
    assert admin_client.post(url, data).status_code == 302
    assert attached(publication) == [("Main study", "full-report")]
    assert [item["label"] for item in pending_for(publication).relations["documents"]] == [
        "Full report: Main study",
        "Annex: Data tables",
    ]
    assert "Data tables" not in client.get(publication.get_absolute_url()).content.decode()

    preview = reverse("publications:preview", args=[publication.pk]) + "?version=pending"
    assert "Data tables" in admin_client.get(preview).content.decode()
    assert attached(publication) == [("Main study", "full-report")]

    publish_pending(publication, pending_for(publication))
    assert attached(publication) == [("Main study", "full-report"), ("Data tables", "annex")]
