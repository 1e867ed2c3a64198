from django.contrib import admin
from django.db.models import Count

from policyhub.editorial.admin import CSPNonceMediaMixin
from policyhub.editorial.revision_admin import RevisionAdminMixin
from policyhub.editorial.workflow_admin import PublishStateFilter, WorkflowAdminMixin

from .models import Menu, MenuItem, Page


@admin.register(Page)
class PageAdmin(RevisionAdminMixin, CSPNonceMediaMixin, WorkflowAdminMixin, admin.ModelAdmin):
    preview_url_name = "pages:preview"
    list_display = ["title", "path", "parent", "state_label", "published_at"]
    list_filter = [PublishStateFilter, "status"]
    list_select_related = ["parent__parent"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parent"]
    date_hierarchy = "published_at"
    fieldsets = [
        (None, {"fields": ["title", "slug", "parent", "summary", "body"]}),
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
