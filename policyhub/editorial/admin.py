from django import forms
from django.contrib import admin
from django.db import router
from django.utils.html import format_html_join
from js_asset import Media
from solo.admin import SingletonModelAdmin

from .images import delete_files_on_rollback
from .models import LibraryImage, OldSlug, SiteSettings, SocialLink


class CSPNonceMediaMixin:
    """Give the change form's scripts (the rich-text editor's inline import map) the request's
    Content Security Policy nonce, so the admin needs no 'unsafe-inline' for scripts."""

    def render_change_form(self, request, context, *args, **kwargs):
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None and "media" in context:
            context["media"] = Media.from_media(context["media"], nonce=str(nonce))
        return super().render_change_form(request, context, *args, **kwargs)


class ImageFilesAdminMixin:
    """A change form whose save rolls back (any error, in the model's save or in saving its
    tags, authors and other relations afterwards) leaves no uploaded image or renditions behind."""

    def changeform_view(self, request, *args, **kwargs):
        with delete_files_on_rollback(router.db_for_write(self.model)):
            return super().changeform_view(request, *args, **kwargs)


class HeroImageAdminForm(forms.ModelForm):
    """The change form of a model with a hero image (``WithHeroImage``)."""

    def full_clean(self):
        super().full_clean()
        # A browser never sends a chosen file twice: when the form comes back with errors, the
        # hero image is gone while its alt text, caption and credit are still filled in.
        upload = self.files.get(self.add_prefix("hero_image"))
        if self.is_bound and self._errors and upload and "hero_image" not in self._errors:
            self.add_error(
                "hero_image",
                f"“{upload.name}” was not saved because of the errors on this page: "
                "choose it again before you save.",
            )


@admin.register(OldSlug)
class OldSlugAdmin(admin.ModelAdmin):
    """Recorded automatically when a slug changes; listed so editors can see and prune them."""

    list_display = ["slug", "kind", "object_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["slug"]
    readonly_fields = ["created_at"]


class SocialLinkInline(admin.TabularInline):
    model = SocialLink
    extra = 1
    fields = ["order", "label", "url"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(ImageFilesAdminMixin, SingletonModelAdmin):
    """One page of settings (no list): saving it refreshes every cached page."""

    inlines = [SocialLinkInline]
    ordering = ["pk"]
    fieldsets = [
        (None, {"fields": ["site_name", "tagline", "logo", "footer_text"]}),
        ("Sharing", {"fields": ["share_image", "share_image_alt"]}),
        (
            "Organisation (structured data for search engines)",
            {
                "fields": ["legal_name", "organisation_logo"],
                "description": "Its sameAs links are the social profile links below.",
            },
        ),
    ]


@admin.register(LibraryImage)
class LibraryImageAdmin(ImageFilesAdminMixin, admin.ModelAdmin):
    """Images for figures in rich text: the editor's figure button asks for the number shown
    in the list."""

    list_display = ["title", "figure_number", "alt", "credit", "created_at"]
    search_fields = ["title", "alt", "caption", "credit"]
    date_hierarchy = "created_at"
    fields = ["title", "image", "alt", "caption", "credit", "shown_in", "key"]
    # The key names the image in export files (figures there name it so, not by number).
    readonly_fields = ["shown_in", "key"]

    @admin.display(description="Number (for the figure button)", ordering="pk")
    def figure_number(self, image):
        return image.pk

    @admin.display(description="Shown in")
    def shown_in(self, image):
        items = image.shown_in() if image.pk else []
        if not items:
            return "No text places this image yet."
        return format_html_join(
            ", ", "{} ({})", ((item, item._meta.verbose_name) for item in items)
        )
