from django.contrib import admin

from .models import OldSlug, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["__str__", "note"]
    search_fields = ["terms", "note"]
    fields = ["terms", "note"]


@admin.register(OldSlug)
class OldSlugAdmin(admin.ModelAdmin):
    """Recorded automatically when a slug changes; listed so editors can see and prune them."""

    list_display = ["slug", "kind", "object_id", "created_at"]
    list_filter = ["kind"]
    search_fields = ["slug"]
    readonly_fields = ["created_at"]
