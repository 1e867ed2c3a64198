from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from policyhub.editorial.admin import (
    CSPNonceMediaMixin,
    HeroImageAdminForm,
    ImageFilesAdminMixin,
)
from policyhub.editorial.revision_admin import RevisionAdminMixin
from policyhub.editorial.workflow_admin import PublishStateFilter, WorkflowAdminMixin

from .models import HomeSlot, Menu, MenuItem, Page, Redirect
from .redirects import ImportFailed, import_redirects


class PageAdminForm(HeroImageAdminForm):
    class Meta:
        model = Page
        fields = "__all__"  # the admin's fieldsets choose what is shown


@admin.register(Page)
class PageAdmin(
    ImageFilesAdminMixin,
    RevisionAdminMixin,
    CSPNonceMediaMixin,
    WorkflowAdminMixin,
    admin.ModelAdmin,
):
    preview_url_name = "pages:preview"
    form = PageAdminForm
    list_display = ["title", "path", "parent", "state_label", "published_at"]
    list_filter = [PublishStateFilter, "status"]
    list_select_related = ["parent__parent"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "summary", "body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]}),
        ("Search engines", {"fields": ["seo_title", "seo_description"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]


class MenuItemInline(admin.TabularInline):
    model = MenuItem
    extra = 1
    fields = ["order", "label", "page", "publication", "topic", "question", "listing", "url"]
    autocomplete_fields = ["page", "publication", "topic", "question"]


@admin.register(Menu)
class MenuAdmin(admin.ModelAdmin):
    list_display = ["__str__", "item_count"]
    # A GROUP BY query ignores Meta.ordering.
    ordering = ["place"]
    inlines = [MenuItemInline]

    def get_queryset(self, request):

        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description="items", ordering="n_items")
    def item_count(self, obj):
        return obj.n_items


class HomeSlotKindFilter(admin.SimpleListFilter):
    title = "target"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [
            ("publication", "Publications"),
            ("option", "Policy options"),
            ("question", "Policy questions"),
            ("page", "Pages"),
        ]

    def queryset(self, request, queryset):
        if self.value() in dict(self.lookups(request, None)):
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(HomeSlot)
class HomeSlotAdmin(ImageFilesAdminMixin, admin.ModelAdmin):
    """The home page's curated block, in order. A slot whose target readers cannot see (yet) is
    left out of the home page without a gap, and shows up when the target is published."""

    list_display = ["__str__", "order", "kind_display", "on_home_page", "updated_at"]
    list_display_links = ["__str__"]
    list_editable = ["order"]
    list_filter = [HomeSlotKindFilter]
    list_select_related = [
        "publication__publication_type",
        "option__question",
        "question",
        "page__parent__parent",
    ]
    search_fields = [
        "title",
        "publication__title",
        "option__title",
        "question__title",
        "page__title",
    ]
    autocomplete_fields = ["publication", "option", "question", "page"]
    date_hierarchy = "updated_at"
    fieldsets = [
        (
            "Target (exactly one)",
            {"fields": ["order", "publication", "option", "question", "page"]},
        ),
        (
            "What the home page shows (optional: the target's own if empty)",
            {"fields": ["title", "summary", "image", "image_alt"]},
        ),
    ]

    def get_queryset(self, request):
        visible = HomeSlot.objects.visible().values("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(visible=Exists(visible.filter(pk=OuterRef("pk"))))
        )

    @admin.display(description="kind")
    def kind_display(self, obj):
        return obj.kind if obj.target is not None else ""

    @admin.display(description="on the home page", boolean=True, ordering="visible")
    def on_home_page(self, obj):
        return obj.visible


class RedirectTargetFilter(admin.SimpleListFilter):
    title = "target"
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [("page", "A page"), ("local", "A path on this site"), ("external", "Another site")]

    def queryset(self, request, queryset):
        return {
            "page": queryset.filter(page__isnull=False),
            "local": queryset.filter(page__isnull=True, url__startswith="/"),
            "external": queryset.filter(page__isnull=True, url__startswith="https://"),
        }.get(self.value(), queryset)


class RedirectImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, one redirect a line: old_path,target,status (301 or 302, 301 if "
        "empty). A header line is skipped. An old path already listed is updated.",
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is over 5 MB: split it.")
        return upload


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    change_list_template = "admin/pages/redirect/change_list.html"
    list_display = ["old_path", "target_display", "status", "updated_at"]
    list_filter = ["status", RedirectTargetFilter]
    list_select_related = ["page__parent__parent"]
    search_fields = ["old_path", "url", "page__title"]
    autocomplete_fields = ["page"]
    date_hierarchy = "updated_at"
    fields = ["old_path", "page", "url", "status"]

    @admin.display(description="leads to", ordering="url")
    def target_display(self, obj):
        return f"{obj.page.title} ({obj.target})" if obj.page_id else obj.url

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="pages_redirect_import"), *super().get_urls()]

    def import_view(self, request):
        """Upload a CSV of redirects: all saved, or none and every bad line listed."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        form = RedirectImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                result = import_redirects(form.cleaned_data["file"].read())
            except ImportFailed as failure:
                errors = failure.errors
            else:
                self.message_user(
                    request,
                    f"Imported the redirects: {result.created} added, {result.updated} updated.",
                    messages.SUCCESS,
                )
                return redirect("admin:pages_redirect_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import redirects from CSV",
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/pages/redirect/import.html", context)
