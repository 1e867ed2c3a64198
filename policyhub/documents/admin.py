"""The document library, and the "Documents" inline of the publication change form.

The inline is added to ``PublicationAdmin`` from this app (``apps.py``), since publications sits
below documents and cannot import it.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.urls import reverse
from django.utils.html import format_html_join

from policyhub.editorial.admin import ImageFilesAdminMixin
from policyhub.editorial.models import Publishable
from publications.models import Publication

from .models import Document, PublicationDocument

PUBLISH_PERMISSION = "publications.publish_publication"


class PublicationDocumentInline(admin.TabularInline):
    model = PublicationDocument
    autocomplete_fields = ["document"]
    fields = ["document", "label", "order"]
    ordering = ["order", "pk"]
    extra = 1
    verbose_name = "document"
    verbose_name_plural = "documents (in display order; upload new ones in the document library)"


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "Attached to a publication"), ("no", "Not attached")]

    def queryset(self, request, queryset):
        attached = Exists(PublicationDocument.objects.filter(document=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(attached)
        if self.value() == "no":
            return queryset.exclude(attached)
        return queryset


def _on_published_content(document):
    """True if a published publication (live or scheduled) lists the document."""
    return document.attachments.filter(publication__status=Publishable.Status.PUBLISHED).exists()


@admin.register(Document)
class DocumentAdmin(ImageFilesAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "file_type",
        "pages_display",
        "size_display",
        "language",
        "used_by",
        "created_at",
    ]
    list_filter = [UsedFilter, "file_type", "language", "text_complete", "created_at"]
    search_fields = ["title", "description", "pdf_title", "pdf_author", "sha256"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "file_type",
        "pages_display",
        "size_display",
        "sha256",
        "pdf_title",
        "pdf_author",
        "text_complete",
        "used_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["file", "title", "description", "language"]}),
        (
            "Read from the file",
            {
                "fields": [
                    "file_type",
                    "pages_display",
                    "size_display",
                    "sha256",
                    "pdf_title",
                    "pdf_author",
                    "text_complete",
                ]
            },
        ),
        ("Use", {"fields": ["used_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("page_texts")
            .annotate(usage=Count("attachments"))
            # An aggregate drops the model's default ordering: state it again.
            .order_by(*Document._meta.ordering)
            .prefetch_related(
                Prefetch(
                    "attachments",
                    queryset=PublicationDocument.objects.select_related("publication").only(
                        "document_id", "label", "publication__title"
                    ),
                )
            )
        )

    @admin.display(description="pages", ordering="pages")
    def pages_display(self, obj):
        # Known for PDFs only: a spreadsheet or an e-book has no fixed pages.
        return obj.pages if obj.is_pdf and obj.pages else "—"

    @admin.display(description="size", ordering="size")
    def size_display(self, obj):
        return obj.size_label if obj.size else "—"

    @admin.display(description="used by", ordering="usage")
    def used_by(self, obj):
        attachments = list(obj.attachments.all())
        if not attachments:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:publications_publication_change", args=[item.publication.pk]),
                    item.publication.title,
                    item.get_label_display(),
                )
                for item in attachments
            ),
        )

    def _may_change(self, request, obj):
        # The workflow's rule for publications, carried to their files: what readers see (or
        # will at a scheduled time) is changed by editors only.
        if obj is None or request.user.has_perm(PUBLISH_PERMISSION):
            return True
        return not _on_published_content(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


def add_publication_inline():
    """Append the documents inline to the publication admin (from DocumentsConfig.ready)."""
    publication_admin = admin.site._registry.get(Publication)
    if publication_admin is None:
        return
    inlines = list(publication_admin.inlines)
    if PublicationDocumentInline not in inlines:
        publication_admin.inlines = [*inlines, PublicationDocumentInline]
