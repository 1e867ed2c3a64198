import pytest
from django.db import IntegrityError

from policyhub.documents.models import Document
from tests.factories import DocumentFactory, PublicationDocumentFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_attachments_keep_their_order_and_labels():
    publication = PublicationFactory()
    annex = PublicationDocumentFactory(publication=publication, label="annex", order=2)
    report = PublicationDocumentFactory(publication=publication, label="full-report", order=0)
    summary = PublicationDocumentFactory(
        publication=publication, label="executive-summary", order=1
    )
    attachments = list(publication.document_attachments.all())
    assert attachments == [report, summary, annex]
    assert [a.get_label_display() for a in attachments] == [
        "Full report",
        "Executive summary",
        "Annex",
    ]


def test_a_document_is_attached_once_per_publication():
    attachment = PublicationDocumentFactory()
    with pytest.raises(IntegrityError):
        PublicationDocumentFactory(publication=attachment.publication, document=attachment.document)


@pytest.mark.parametrize(
    "state, visible",
    [
        ({}, True),
        ({"draft": True}, False),
        ({"scheduled": True}, False),
        ({"in_review": True}, False),
        ({"unpublished": True}, False),
    ],
)
def test_published_means_listed_by_a_published_publication(state, visible):
    document = PublicationDocumentFactory(publication=PublicationFactory(**state)).document
    DocumentFactory()  # attached to nothing
    assert list(Document.objects.published()) == ([document] if visible else [])


def test_one_published_publication_is_enough():
    document = PublicationDocumentFactory(publication=PublicationFactory(draft=True)).document
    PublicationDocumentFactory(document=document)
    assert list(Document.objects.published()) == [document]
