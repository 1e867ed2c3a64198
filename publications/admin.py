from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from taggit.managers import TaggableManager
from taggit.models import Tag

from policyhub.editorial.admin import (
    CSPNonceMediaMixin,
    HeroImageAdminForm,
    ImageFilesAdminMixin,
)
from policyhub.editorial.revision_admin import RevisionAdminMixin
from policyhub.editorial.workflow_admin import PublishStateFilter, WorkflowAdminMixin

from .models import (
    Authorship,
    Expertise,
    Person,
    ProfileLink,
    Publication,
    PublicationType,
    Region,
    RelatedPublication,
    Topic,
)
from .tags import TagNamesField, merge_tags, most_used, tag_usages, with_usage_counts

admin.site.site_header = "PolicyHub admin"
admin.site.site_title = "PolicyHub admin"
admin.site.index_title = "Content"


# Tag names longer than a tag can hold are a form error, not a failed save.
TAG_FIELD = {TaggableManager: {"form_class": TagNamesField}}


class SlugClashAdminMixin:
    """A slug already taken names the item that holds it, with a link to its change page."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class SlugClashForm(form_class):
            def clean_slug(self):
                parent = getattr(super(), "clean_slug", None)
                slug = parent() if parent else self.cleaned_data["slug"]
                model = type(self.instance)
                holder = (
                    model._default_manager.filter(slug=slug).exclude(pk=self.instance.pk).first()
                )
                if holder is not None:
                    opts = model._meta
                    url = reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change", args=[holder.pk]
                    )
                    raise forms.ValidationError(
                        format_html(
                            'The slug “{}” is already used by <a href="{}">{}</a>. '
                            "Choose another slug.",
                            slug,
                            url,
                            holder,
                        ),
                        code="unique",
                    )
                return slug

        SlugClashForm.__name__ = form_class.__name__
        return SlugClashForm


class PublicationAdminForm(HeroImageAdminForm):
    class Meta:
        model = Publication
        fields = "__all__"  # the admin's fieldsets choose what is shown


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    autocomplete_fields = ["person"]
    ordering = ["order", "pk"]
    extra = 1
    verbose_name = "author"
    verbose_name_plural = "authors (in byline order)"


class RelatedPublicationInline(admin.TabularInline):
    model = RelatedPublication
    fk_name = "from_publication"
    autocomplete_fields = ["to_publication"]
    ordering = ["order", "pk"]
    extra = 1
    verbose_name = "related publication"
    verbose_name_plural = "related publications (in display order)"


@admin.register(Publication)
class PublicationAdmin(
    ImageFilesAdminMixin,
    SlugClashAdminMixin,
    RevisionAdminMixin,
    CSPNonceMediaMixin,
    WorkflowAdminMixin,
    admin.ModelAdmin,
):
    formfield_overrides = TAG_FIELD
    preview_url_name = "publications:preview"
    form = PublicationAdminForm
    list_display = [
        "title",
        "publication_type",
        "state_label",
        "published_at",
        "author_names",
        "tag_names",
        "words",
    ]
    list_filter = [
        PublishStateFilter,
        "publication_type",
        "topics",
        "regions",
    ]
    search_fields = ["title", "summary", "authors__name", "tags__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["publication_type", "topics", "regions"]
    inlines = [AuthorshipInline, RelatedPublicationInline]
    readonly_fields = ["words"]
    view_on_site = True
    save_on_top = True
    fieldsets = [
        (
            "Content",
            {"fields": ["title", "slug", "publication_type", "summary", "body", "words"]},
        ),
        ("Video and audio", {"fields": ["media"]}),
        (
            "People & taxonomy",
            {
                "fields": ["topics", "regions", "tags"],
                "description": "Authors are listed below, in byline order.",
            },
        ),
        (
            "Hero image",
            {"fields": ["hero_image", "hero_alt", "hero_caption", "hero_credit"]},
        ),
        ("Source note", {"fields": ["source_note", "source_url"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("publication_type")
            .prefetch_related(
                Prefetch("authorships", queryset=Authorship.objects.select_related("person")),
                "tags",
            )
        )

    def autocomplete_label(self, obj):
        # Alike titles are told apart by what editors know the item by.
        date = timezone.localtime(obj.published_at).date() if obj.published_at else "no date"
        return f"{obj.title} ({obj.publication_type.name}, {date}, {obj.state_label})"

    @admin.display(description="authors")
    def author_names(self, obj):
        return ", ".join(person.name for person in obj.ordered_authors)

    @admin.display(description="tags")
    def tag_names(self, obj):
        return ", ".join(sorted((tag.name for tag in obj.tags.all()), key=str.casefold))

    @admin.display(description="words")
    def words(self, obj):
        if obj.pk is None:
            return "–"
        return f"{obj.word_count:,} ({obj.reading_minutes} min read)"


class ProfileLinkInline(admin.TabularInline):
    model = ProfileLink
    ordering = ["order", "pk"]
    extra = 1
    verbose_name = "profile link"
    verbose_name_plural = "profile links elsewhere (in display order)"


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "person_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    # A GROUP BY query ignores Meta.ordering; autocomplete pages need an explicit one.
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_people=Count("people", distinct=True))

    @admin.display(description="people", ordering="n_people")
    def person_count(self, obj):
        return obj.n_people


@admin.register(Person)
class PersonAdmin(ImageFilesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "role", "affiliation", "publication_count"]
    list_filter = ["kind", "expertise"]
    search_fields = ["name", "affiliation", "expertise__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["expertise"]
    inlines = [ProfileLinkInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "role", "affiliation"]}),
        ("Photo", {"fields": ["photo", "photo_alt"]}),
        ("Profile", {"fields": ["bio", "expertise", "languages"]}),
        ("Contact", {"fields": ["email", "show_email", "link"]}),
    ]
    # A GROUP BY query ignores Meta.ordering; autocomplete pages need an explicit one.
    ordering = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_publications=Count("authorships", distinct=True))
        )

    @admin.display(description="publications", ordering="n_publications")
    def publication_count(self, obj):
        return obj.n_publications


class PublicationCountMixin:
    """A "publications" column counted in the changelist query, not once per row."""

    # A GROUP BY query ignores Meta.ordering; autocomplete pages need an explicit one.
    ordering = ["name"]

    @admin.display(description="publications", ordering="n_publications")
    def publication_count(self, obj):
        return obj.n_publications

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_publications=Count("publications", distinct=True))
        )


@admin.register(Topic)
class TopicAdmin(PublicationCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "publication_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(PublicationCountMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "publication_count"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "parent__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]


@admin.register(PublicationType)
class PublicationTypeAdmin(PublicationCountMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "publication_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


# Tags: taggit's own admin knows only its generic TaggedItem table; ours counts and merges
# across every app's through table.
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


class MergeTagsForm(forms.Form):
    survivor = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Keep this tag",
        help_text="Everything tagged with the other selected tags gets this tag instead.",
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].queryset = Tag.objects.filter(pk__in=[tag.pk for tag in tags])
        labels = {
            tag.pk: f"{tag.name} (used {tag.usage_total} time{pluralize(tag.usage_total)})"
            for tag in tags
        }
        self.fields["survivor"].label_from_instance = lambda tag: labels.get(tag.pk, tag.name)


def _usage_column(usage):
    @admin.display(description=usage.label.lower(), ordering=usage.key)
    def column(obj):
        return getattr(obj, usage.key)

    column.__name__ = usage.key
    return column


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "total_usage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    # Tags are typed in any case; an editor looks for "food security" beside "Food aid".
    ordering = [Lower("name")]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return with_usage_counts(super().get_queryset(request))

    def get_list_display(self, request):
        # One column per tagged model, found at runtime: this app need not import the others.
        return [
            "name",
            "slug",
            *(_usage_column(usage) for usage in tag_usages()),
            "total_usage",
        ]

    @admin.display(description="total", ordering="usage_total")
    def total_usage(self, obj):
        return obj.usage_total

    @admin.action(description="Merge selected tags into one", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        tags = list(queryset.order_by(Lower("name")))
        if len(tags) < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        if "confirm" in request.POST:
            form = MergeTagsForm(request.POST, tags=tags)
            if form.is_valid():
                result = merge_tags(form.cleaned_data["survivor"], tags, user=request.user)
                self.message_user(
                    request,
                    f"Merged {len(result.merged_names)} tag(s) "
                    f"({', '.join(result.merged_names)}) into “{result.survivor.name}”: "
                    f"{result.moved} item(s) retagged, {result.duplicates_removed} duplicate "
                    "tagging(s) removed.",
                    messages.SUCCESS,
                )
                return None
        else:
            form = MergeTagsForm(tags=tags, initial={"survivor": most_used(tags).pk})
        usages = tag_usages()
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.model._meta,
            "form": form,
            "tags": tags,
            "usages": usages,
            "rows": [(tag, [getattr(tag, usage.key) for usage in usages]) for tag in tags],
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action_name": "merge_selected",
        }
        return TemplateResponse(request, "admin/publications/tag_merge_confirmation.html", context)
