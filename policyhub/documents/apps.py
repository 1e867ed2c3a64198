from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentsConfig(AppConfig):
    """Report PDFs: a library of documents, attached in order to publications."""

    name = "policyhub.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self):
        from policyhub.editorial import cache

        from .admin import add_publication_inline
        from .models import Document, delete_file

        # The admin site has loaded every admin module by now (AdminConfig comes first): the
        # publication form gets its documents inline without publications importing this app.
        add_publication_inline()
        cache.watch("documents")
        post_delete.connect(delete_file, sender=Document, dispatch_uid="documents.delete_file")
