"""The editorial workflow in the admin, for every Publishable model (publications, options,
questions): status choices limited to the allowed moves, the checks repeated on the server for
every path (change form, bulk actions, delete), the state log on the change page, and the
Preview button.

Nothing here trusts the browser: a contributor's forged POST meets the same ``workflow.check``
as the form it bypassed, and is refused with a message, nothing saved.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import workflow
from .workflow import Status

PUBLISH_TIME_FIELDS = ("published_at", "published_at_0", "published_at_1")
EDITOR_ACTIONS = {"publish": "publish", "unpublish": "unpublish"}
LOG_ROWS = 20


def local_time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class PublishStateFilter(admin.SimpleListFilter):
    """Live / scheduled / draft / in review / unpublished, from the one definition of
    "published"."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", "Published (live)"),
            ("scheduled", "Scheduled"),
            ("draft", "Draft"),
            ("review", "In review"),
            ("unpublished", "Unpublished"),
        ]

    def queryset(self, request, queryset):
        chosen = {
            "live": queryset.published,
            "scheduled": queryset.scheduled,
            "draft": queryset.drafts,
            "review": queryset.in_review,
            "unpublished": queryset.unpublished,
        }.get(self.value())
        return chosen() if chosen else queryset


def workflow_form(form_class, user, model):
    """The admin's form with the status choices this user may pick, and the workflow checked in
    clean(): the choices in the page are a convenience, the check is what counts."""
    may_publish = workflow.can_publish(user, model)

    class WorkflowForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            field = self.fields.get("status")
            if field is not None:
                allowed = workflow.targets(model, self.stored_status(), user)
                # Only the widget is narrowed: a forged value still reaches clean_status and
                # gets its own message rather than "not a valid choice".
                field.widget.choices = [(v, lbl) for v, lbl in field.choices if v in allowed]

        def stored_status(self):
            return self.instance._stored_status()

        def clean_status(self):
            status = self.cleaned_data["status"]
            try:
                workflow.check(model, self.stored_status(), status, user)
            except workflow.TransitionRefused as refused:
                raise ValidationError(str(refused), code="workflow") from None
            return status

        def clean(self):
            cleaned_data = super().clean()
            if not may_publish and any(name in self.data for name in PUBLISH_TIME_FIELDS):
                self.add_error(
                    None, "Only editors can set the publish time (schedule). Nothing was saved."
                )
            return cleaned_data

    return WorkflowForm


class WorkflowAdminMixin:
    """Add before ``admin.ModelAdmin`` in the bases of any Publishable model's admin."""

    actions = ["submit_for_review", "publish", "unpublish"]
    preview_url_name = None  # e.g. "publications:preview"

    # Permissions ----------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def refuse(self, request, message, url=None):
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(url or request.get_full_path())

    def locked(self, request, object_id):
        """True when ``request.user`` may see this item but not change it: published content
        and a user without the publish permission."""
        if object_id is None:
            return False
        obj = self.get_object(request, unquote(object_id))
        return obj is not None and not workflow.can_edit(request.user, obj)

    LOCKED_MESSAGE = "Only editors can change or delete published content. Nothing was saved."

    # Views: refuse with a message rather than a bare 403 -------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Users with no change permission at all get Django's own 403.
        may_change = super().has_change_permission(request)
        if request.method == "POST" and may_change and self.locked(request, object_id):
            return self.refuse(request, self.LOCKED_MESSAGE)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if super().has_delete_permission(request) and self.locked(request, object_id):
            change_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id]
            )
            return self.refuse(request, self.LOCKED_MESSAGE, change_url)
        return super().delete_view(request, object_id, extra_context)

    def response_action(self, request, queryset):
        # A forged action the page never offered (publish by a contributor) is refused by name,
        # not with Django's vague "No action selected".
        if request.POST.get("action") in EDITOR_ACTIONS and not self.has_publish_permission(
            request
        ):
            return self.refuse(request, workflow.EDITORS_ONLY)
        return super().response_action(request, queryset)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (self.checked_delete_selected, name, description)
        return actions

    @staticmethod
    def checked_delete_selected(modeladmin, request, queryset):
        if (
            not modeladmin.has_publish_permission(request)
            and queryset.filter(status=Status.PUBLISHED).exists()
        ):
            modeladmin.message_user(request, modeladmin.LOCKED_MESSAGE, messages.ERROR)
            return None
        return delete_selected(modeladmin, request, queryset)

    # Bulk moves -------------------------------------------------------------------------------

    def move_selected(self, request, queryset, status, done):
        moved, refused = 0, {}
        for item in queryset:
            try:
                moved += item.move_to(status, request.user)
            except workflow.TransitionRefused as refusal:
                refused.setdefault(str(refusal), []).append(str(item))
        if moved:
            self.message_user(request, f"{done} {moved} item(s).", messages.SUCCESS)
        for reason, titles in refused.items():
            self.message_user(
                request, f"Left unchanged: {', '.join(titles)}. {reason}", messages.WARNING
            )

    @admin.action(description="Submit selected for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.move_selected(request, queryset, Status.REVIEW, "Submitted for review:")

    @admin.action(
        description="Publish selected (now, or at their publish time)", permissions=["publish"]
    )
    def publish(self, request, queryset):
        self.move_selected(request, queryset, Status.PUBLISHED, "Published")

    @admin.action(description="Unpublish selected", permissions=["publish"])
    def unpublish(self, request, queryset):
        self.move_selected(request, queryset, Status.UNPUBLISHED, "Unpublished")

    # The change form ----------------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return workflow_form(form, request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "state_label", "created_by"]
        if obj is not None:
            fields.append("state_log")
        if not self.has_publish_permission(request):
            fields.append("published_at")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        shown = {
            name
            for _, options in fieldsets
            for row in options["fields"]
            for name in (row if isinstance(row, list | tuple) else [row])
        }
        extra = [
            name
            for name in ("state_label", "created_by", "state_log")
            if name not in shown and name in self.get_readonly_fields(request, obj)
        ]
        if not extra:
            return fieldsets
        # Beside the status, wherever the admin put it.
        index = next(
            (i for i, (_, options) in enumerate(fieldsets) if "status" in options["fields"]),
            len(fieldsets) - 1,
        )
        name, options = fieldsets[index]
        fieldsets = list(fieldsets)
        fieldsets[index] = (name, {**options, "fields": [*options["fields"], *extra]})
        return fieldsets

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)

    def visible_to_readers(self, obj):
        queryset = self.model._default_manager.all()
        # An option also needs its question published: its queryset says so in visible().
        readers = getattr(queryset, "visible", queryset.published)
        return readers().filter(pk=obj.pk).exists()

    def get_view_on_site_url(self, obj=None):
        # Until readers can see it, the public address is a 404: the Preview button is the way.
        if obj is not None and self.preview_url_name and not self.visible_to_readers(obj):
            return None
        return super().get_view_on_site_url(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.preview_url_name:
            context["preview_url"] = reverse(self.preview_url_name, args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description="state", ordering="status")
    def state_label(self, obj):
        if obj.is_scheduled:
            return format_html(
                '<strong title="Hidden from readers until {}">Scheduled</strong> for {}',
                local_time(obj.published_at),
                local_time(obj.published_at),
            )
        return obj.get_status_display() if obj.pk else "New"

    @admin.display(description="state changes (newest first)")
    def state_log(self, obj):
        changes = list(obj.state_changes.select_related("user")[:LOG_ROWS])
        if not changes:
            return "No state change recorded."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    local_time(change.at),
                    f"{change.get_from_status_display() or 'Created'} → "
                    f"{change.get_to_status_display()}",
                    change.user.get_username() if change.user else "(system)",
                )
                for change in changes
            ),
        )
        return format_html(
            '<table class="state-log"><thead><tr><th scope="col">When</th>'
            '<th scope="col">Change</th><th scope="col">By</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            rows,
        )
