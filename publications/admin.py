# Placeholder so the options admin's publication autocomplete works on the `options` branch.
# The publications engineer's full admin replaces this file at merge.
from django.contrib import admin

from .models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at"]
    search_fields = ["title", "slug"]
