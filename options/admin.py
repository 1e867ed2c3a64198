from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from policyhub.editorial.admin import CSPNonceMediaMixin
from policyhub.editorial.revision_admin import RevisionAdminMixin
from policyhub.editorial.workflow_admin import PublishStateFilter, WorkflowAdminMixin
from publications.admin import TAG_FIELD, SlugClashAdminMixin

from .models import Actor, OptionSource, PolicyOption, PolicyQuestion, Track

# Option slugs share the /options/ URL space with these pages.
RESERVED_SLUGS = {"matrix", "compare", "questions", "preview"}


class OptionCountMixin:
    """An "options" column counted in the changelist's own query."""

    # A GROUP BY query ignores Meta.ordering; autocomplete pages need an explicit one.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(option_total=Count("options"))

    @admin.display(description="options", ordering="option_total")
    def option_total(self, obj):
        return obj.option_total


class PolicyOptionAdminForm(forms.ModelForm):
    class Meta:
        model = PolicyOption
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(f"“{slug}” is the address of another page; choose another slug.")
        return slug

    def clean(self):
        cleaned_data = super().clean()
        prerequisites = cleaned_data.get("prerequisites")
        # M2M values exist only here, before saving: the model cannot check them in clean().
        if prerequisites:
            try:
                self.instance.check_prerequisites(prerequisites)
            except ValidationError as error:
                self.add_error("prerequisites", error)
        return cleaned_data


class OptionSourceInline(admin.StackedInline):
    model = OptionSource
    autocomplete_fields = ["publication"]
    fields = [("publication", "stance", "order"), "quote", "note"]
    extra = 1
    verbose_name = "source"
    verbose_name_plural = "sources (publications that argue for, against or about this option)"


@admin.register(PolicyOption)
class PolicyOptionAdmin(
    SlugClashAdminMixin,
    RevisionAdminMixin,
    CSPNonceMediaMixin,
    WorkflowAdminMixin,
    admin.ModelAdmin,
):
    preview_url_name = "options:preview"
    form = PolicyOptionAdminForm
    formfield_overrides = TAG_FIELD
    inlines = [OptionSourceInline]
    list_display = [
        "title",
        "question",
        "track",
        "level",
        "timeframe",
        "real_world_status",
        "state_label",
        "published_at",
        "source_count",
    ]
    list_filter = [
        PublishStateFilter,
        "question",
        "track",
        "level",
        "timeframe",
        "real_world_status",
        "status",
    ]
    list_select_related = ["question", "track"]
    search_fields = ["title", "slug", "summary", "question__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["question", "actors", "prerequisites"]
    date_hierarchy = "published_at"
    # The annotated (GROUP BY) queryset drops Meta.ordering; autocomplete needs an explicit one.
    ordering = ["track__order", "title"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "question", "track", "level", "timeframe"]}),
        ("Content", {"fields": ["summary", "description", "goals", "risks", "tags"]}),
        ("Who and what first", {"fields": ["actors", "prerequisites", "conditions"]}),
        ("Real-world status", {"fields": ["real_world_status", "status_note", "status_date"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(source_total=Count("source_links", distinct=True))
            .prefetch_related("tags")
        )

    @admin.display(description="sources", ordering="source_total")
    def source_count(self, obj):
        return obj.source_total


@admin.register(PolicyQuestion)
class PolicyQuestionAdmin(
    SlugClashAdminMixin,
    OptionCountMixin,
    CSPNonceMediaMixin,
    WorkflowAdminMixin,
    admin.ModelAdmin,
):
    preview_url_name = "options:question_preview"
    list_display = ["title", "state_label", "published_at", "option_total"]
    list_filter = [PublishStateFilter, "status", "regions"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["regions"]
    date_hierarchy = "published_at"
    ordering = ["title"]


@admin.register(Track)
class TrackAdmin(OptionCountMixin, admin.ModelAdmin):
    ordering = ["order", "name"]
    list_display = ["name", "order", "option_total"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Actor)
class ActorAdmin(OptionCountMixin, admin.ModelAdmin):
    list_display = ["name", "option_total"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
