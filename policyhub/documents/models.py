"""Documents (report PDFs; DOCX, XLSX, CSV and EPUB files too) and their attachment to
publications, in order.

A document is shown to readers only through a publication that lists it: ``published()`` is
"attached to at least one publication readers may see now", asked of the publications' own
definition, so a document of a draft or scheduled piece stays private with no copy of its state.
"""

import posixpath

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.text import slugify

from policyhub.editorial.images import delete_files_on_error, note_written
from publications.models import Publication

from .covers import cover_names, cover_picture, make_cover, render_first_page
from .formats import FORMATS, PDF, read_document
from .pdf import megabytes


class DocumentStorage(LazyObject):
    """``STORAGES["documents"]``, looked up when first used and again after STORAGES changes
    (a FileField keeps the storage it is given, so the alias is resolved here)."""

    def _setup(self):
        self._wrapped = storages["documents"]


document_storage = DocumentStorage()


@receiver(setting_changed)
def _storages_changed(setting, **kwargs):
    if setting in ("STORAGES", "DOCUMENTS_ROOT"):
        document_storage._wrapped = empty


def get_document_storage():
    return document_storage


def document_path(instance, filename):
    stem = slugify(posixpath.splitext(posixpath.basename(filename))[0])[:80] or "document"
    # The type read from the file, not the uploaded name, gives the extension.
    return timezone.now().strftime(f"%Y/%m/{stem}.{instance.file_type or PDF}")


def validate_new_document(value):
    """Model validator: read a newly assigned file (the admin form and ``full_clean()``); the
    result rides along on the upload so the save does not parse it again."""
    if not value or getattr(value, "_committed", True):
        return
    upload = getattr(value, "file", value)
    if getattr(upload, "document_info", None) is None:
        upload.document_info = read_document(upload)


class DocumentFileField(models.FileField):
    default_validators = [validate_new_document]

    def pre_save(self, model_instance, add):
        new = getattr(model_instance, self.attname)
        new = bool(new) and not new._committed
        file = super().pre_save(model_instance, add)
        if new:
            note_written(file.storage, file.name)
        return file


def _delete_after_commit(storage, name):
    # After the commit: a rolled-back save must not leave the row pointing at nothing.
    transaction.on_commit(lambda: storage.delete(name))


class DocumentQuerySet(models.QuerySet):
    def published(self, at=None):
        """Documents attached to at least one publication readers may see at ``at``."""
        return self.filter(
            Exists(
                PublicationDocument.objects.filter(
                    document=OuterRef("pk"),
                    publication__in=Publication.objects.published(at=at).values("pk"),
                )
            )
        )


class Document(models.Model):
    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        FRENCH = "fr", "French"
        GERMAN = "de", "German"
        SPANISH = "es", "Spanish"
        KOREAN = "ko", "Korean"
        CHINESE = "zh", "Chinese"
        JAPANESE = "ja", "Japanese"
        RUSSIAN = "ru", "Russian"
        ARABIC = "ar", "Arabic"
        OTHER = "other", "Other"

    file = DocumentFileField(
        upload_to=document_path,
        storage=get_document_storage,
        max_length=300,
        help_text="A PDF, DOCX, XLSX, CSV (UTF-8) or EPUB file. It is read when uploaded: "
        "its type, size, checksum, text and (for a PDF) pages.",
    )
    file_type = models.CharField(
        "type",
        max_length=8,
        choices=[(key, label) for key, (label, _) in FORMATS.items()],
        default=PDF,
        editable=False,
    )
    title = models.CharField(
        max_length=300, blank=True, help_text="Left empty: the PDF's own title, or its file name."
    )
    description = models.TextField(blank=True)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    # Read from the file when it is uploaded. Pages are known for PDFs only (0 otherwise).
    pages = models.PositiveIntegerField(default=0, editable=False)
    size = models.PositiveBigIntegerField("size (bytes)", default=0, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False, db_index=True)
    pdf_title = models.CharField("title in the file", max_length=300, blank=True, editable=False)
    pdf_author = models.CharField("author in the file", max_length=300, blank=True, editable=False)
    # The text in parts, in order: a PDF's pages, or the parts ``part_names`` names (a sheet,
    # a chapter, rows): search says where a phrase was found.
    page_texts = models.JSONField(default=list, blank=True, editable=False)
    part_names = models.JSONField(default=list, blank=True, editable=False)
    text_complete = models.BooleanField(
        default=True,
        editable=False,
        help_text="False when extraction stopped at its time limit or a page could not be read.",
    )
    # Its first page as WebP and JPEG renditions (``covers.py``), made when the file is uploaded.
    cover = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        indexes = [models.Index(fields=["title"], name="document_title")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # If the row cannot be written, the file written for it goes too.
        with delete_files_on_error():
            replaced, old_cover = None, {}
            if self.file and not self.file._committed:
                self.read_file()
                if self.pk:
                    replaced, old_cover = Document.objects.filter(pk=self.pk).values_list(
                        "file", "cover"
                    ).first() or (None, {})
                self._store_with_cover()
            super().save(*args, **kwargs)
        if replaced and replaced != self.file.name:
            _delete_after_commit(self.file.storage, replaced)
        for name in cover_names(old_cover) - cover_names(self.cover):
            _delete_after_commit(self.file.storage, name)

    def get_absolute_url(self):
        return reverse("documents:download", args=[self.pk, self.slug, self.file_type])

    @property
    def is_pdf(self):
        return self.file_type == PDF

    @property
    def type_label(self):
        return FORMATS[self.file_type][0]

    @property
    def content_type(self):
        """The download's media type (JSON-LD's ``encodingFormat``)."""
        return FORMATS[self.file_type][1]

    def part_name(self, index):
        """Where the text part ``index`` (from 0) is: "page 3", "the sheet “Budget”"."""
        names = self.part_names or []
        return names[index] if index < len(names) else f"page {index + 1}"

    @property
    def slug(self):
        return slugify(self.title)[:80] or "document"

    @property
    def size_label(self):
        return megabytes(self.size) if self.size >= 1024 * 1024 else f"{self.size // 1024 or 1} KB"

    def _store_with_cover(self):
        # Drawn from the upload before it is stored (storing may move a temporary file), then
        # the file is stored (what pre_save would do a moment later) so the renditions are
        # named after it.
        page = render_first_page(self.file.file) if self.is_pdf else None
        self.file.save(self.file.name, self.file.file, save=False)
        note_written(self.file.storage, self.file.name)
        self.cover = make_cover(self.file, page)

    def draw_cover(self):
        """Draw the stored file's cover again (``make_covers``); True if there is one now."""
        if not self.is_pdf:
            return False
        try:
            with self.file.open("rb") as file:
                page = render_first_page(file)
        except OSError:
            return False
        if page is None:
            return False
        old = cover_names(self.cover)
        self.cover = make_cover(self.file, page)
        self.save(update_fields=["cover", "updated_at"])
        for name in old - cover_names(self.cover):
            _delete_after_commit(self.file.storage, name)
        return bool(self.cover)

    @property
    def cover_picture(self):
        return cover_picture(self)

    @property
    def cover_alt(self):
        return f"Cover of {self.title}"

    def read_file(self):
        """Fill the fields read from a newly assigned file (``read_document``'s result)."""
        upload = self.file.file
        info = getattr(upload, "document_info", None) or read_document(upload)
        upload.document_info = info
        self.file_type, self.part_names = info.file_type, info.part_names
        self.pages, self.size, self.sha256 = info.pages, info.size, info.sha256
        self.pdf_title, self.pdf_author = info.title, info.author
        self.page_texts, self.text_complete = info.page_texts, info.text_complete
        if not self.title:
            self.title = info.title or posixpath.splitext(self.file.name)[0][:300]


class PublicationDocument(models.Model):
    """A document listed on a publication's page, in order, under a label."""

    class Label(models.TextChoices):
        FULL_REPORT = "full-report", "Full report"
        EXECUTIVE_SUMMARY = "executive-summary", "Executive summary"
        ANNEX = "annex", "Annex"
        OTHER = "other", "Document"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="document_attachments"
    )
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="attachments")
    label = models.CharField(max_length=20, choices=Label.choices, default=Label.FULL_REPORT)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["publication", "order", "pk"]
        verbose_name = "attached document"
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "document"], name="publication_document_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_label_display()}: {self.document}"


def delete_file(sender, instance, **kwargs):
    """post_delete: the file goes with its row, once the deletion is committed."""
    if instance.file:
        _delete_after_commit(instance.file.storage, instance.file.name)
        for name in cover_names(instance.cover):
            _delete_after_commit(instance.file.storage, name)
