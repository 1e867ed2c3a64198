"""The editorial workflow in the admin, for every Publishable model (publications, options,
questions): a button per move the user may make, the checks repeated on the server for every
path (change form, bulk actions, delete), the state log on the change page, the Preview button;
and pending changes to published items (``pending.py``): the change form saves them in a working
copy, and the item's Pending changes page compares, previews and reviews them (``review.py``).

Nothing here trusts the browser: a contributor's forged POST meets the same ``workflow.check``
as the form it bypassed, and is refused with a message, nothing saved.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import _get_foreign_key
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import notify, review, workflow
from . import pending as pending_changes
from .models import PendingChange
from .revision_admin import RevisionTokenField, UnlabelledBoundField
from .workflow import Status

LOADED_PENDING = "loaded_pending"
# The change form's buttons for a published item (besides Save, which saves a draft).
SUBMIT_CHANGES = "_submit_changes"
STATUS_BUTTON = "_status"  # a button that moves the item: its value is the new status
PUBLISH_CHANGES = "_publish_changes"

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


class HiddenStatusField(forms.ChoiceField):
    """The status, kept in the page as it is stored; the workflow buttons change it."""

    widget = forms.HiddenInput

    def get_bound_field(self, form, field_name):
        return UnlabelledBoundField(form, self, field_name)


def status_buttons(model, current, user):
    """[(status, label)]: a button per move this user may make from ``current``."""
    labels = {
        Status.DRAFT: "Save draft" if current in (workflow.NEW, Status.DRAFT) else "Back to draft",
        Status.REVIEW: "Submit for review",
        Status.PUBLISHED: "Publish (or schedule at the publish time)",
        Status.UNPUBLISHED: "Unpublish",
    }
    return [
        (status.value, labels[status])
        for status in workflow.targets(model, current, user)
        if status != current or status == Status.DRAFT
    ]


def pending_token(pending):
    return pending.token if pending is not None else ""


def workflow_form(form_class, user, model, pending_token_now=None, live_published_at=None):
    """The admin's form with the status choices this user may pick, and the workflow checked in
    clean(): the choices in the page are a convenience, the check is what counts.

    ``pending_token_now``: for a published item, the token of its pending change ("" for none);
    the form carries it, and a save after someone else saved pending changes is refused;
    ``live_published_at``: its live publish time, which pending changes may correct but not
    move into the future."""
    may_publish = workflow.can_publish(user, model)

    class WorkflowForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.is_bound and STATUS_BUTTON in self.data:
                # The button pressed says where the item goes; checked like any status.
                data = self.data.copy()
                data["status"] = self.data[STATUS_BUTTON]
                self.data = data
            field = self.fields.get("status")
            if field is not None:
                # The buttons replace the menu: any value still reaches clean_status and gets
                # its own message rather than "not a valid choice".
                self.fields["status"] = HiddenStatusField(
                    choices=field.choices, required=field.required
                )

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
            if pending_token_now is not None and may_publish and "published_at" in cleaned_data:
                refused = pending_changes.future_publish_time_refused(
                    live_published_at, cleaned_data["published_at"]
                )
                if refused:
                    self.add_error("published_at", refused)
            self.check_pending_token()
            return cleaned_data

        def check_pending_token(self):
            loaded = self.data.get(LOADED_PENDING)
            if loaded is None or pending_token_now is None:
                return
            current = pending_changes.pending_for(self.instance)
            if loaded == pending_token(current):
                return
            data = self.data.copy()
            data[LOADED_PENDING] = pending_token(current)
            self.data = data
            if current is None:
                message = (
                    "The pending changes you opened were published or discarded meanwhile. "
                    "Your changes have not been saved; they are still in the form below. Save "
                    "again to keep them as new pending changes."
                )
            else:
                message = (
                    f"{saved_by_name(current.author)} saved pending changes at "
                    f"{local_time(current.saved_at)}, after you opened them. Your changes have "
                    "not been saved; they are still in the form below. Save again to replace "
                    "theirs with yours."
                )
            self.add_error(None, ValidationError(message, code="stale"))

    return WorkflowForm


def saved_by_name(user):
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


class WorkflowAdminMixin:
    """Add before ``admin.ModelAdmin`` in the bases of any Publishable model's admin."""

    actions = ["submit_for_review", "publish", "unpublish"]
    preview_url_name = None  # e.g. "publications:preview"
    # A copy of a published item would skip the workflow (and, of one with pending changes, mix
    # the two versions): "Save as new" is neither offered nor accepted from a forged POST.
    save_as = False
    SAVE_AS_NEW_MESSAGE = "“Save as new” is not available for this content. Nothing was saved."

    # Permissions ----------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if getattr(request, "_pending_edit", None) is not None:
            return allowed  # a working copy: saving it changes nothing readers see
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
        if request.method == "POST" and "_saveasnew" in request.POST and not self.save_as:
            # Django's admin honours the button whether or not it offers it.
            return self.refuse(request, self.SAVE_AS_NEW_MESSAGE)
        # Users with no change permission at all get Django's own 403.
        may_change = super().has_change_permission(request)
        live = self.pending_candidate(request, object_id) if may_change else None
        if live is not None:
            # Contributors may draft changes to live content; making them live is the editors'.
            if PUBLISH_CHANGES in request.POST and not self.has_publish_permission(request):
                return self.refuse(request, workflow.EDITORS_ONLY)
            return self.pending_changeform_view(request, live, object_id, form_url, extra_context)
        if request.method == "POST" and may_change and self.locked(request, object_id):
            return self.refuse(request, self.LOCKED_MESSAGE)
        return super().changeform_view(request, object_id, form_url, extra_context)

    # Pending changes (pending.py) -------------------------------------------------------------

    def pending_candidate(self, request, object_id):
        """The live item when this request edits a published item's pending version: any
        save that keeps it published (a status change, such as unpublishing, is made live)."""
        if object_id is None or not pending_changes.supports_pending(self.model):
            return None
        obj = self.get_object(request, unquote(object_id))
        if obj is None or obj.status != Status.PUBLISHED:
            return None
        if request.method == "POST":
            target = request.POST.get(STATUS_BUTTON) or request.POST.get("status")
            if (target or Status.PUBLISHED) != Status.PUBLISHED:
                return None
        return obj

    def pending_changeform_view(self, request, live, object_id, form_url, extra_context):
        """The change form on the pending version (or the live one with ``?live``): the save runs
        in a working copy that is rolled back, and what it made is kept as the pending change."""
        pending = None if "live" in request.GET else pending_changes.pending_for(live)
        edit = request._pending_edit = {
            "pending": pending,
            "version": None,
            "live_published_at": live.published_at,
        }
        try:
            with pending_changes.working_copy():
                if pending is not None:
                    pending_changes.apply(live, pending, record=False)
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if hasattr(response, "render"):
                    response.render()  # while the working copy is there to render
        finally:
            del request._pending_edit
        if edit["version"] is None:
            return response  # a GET, or a form with errors
        state = PendingChange.State
        submitted = SUBMIT_CHANGES in request.POST
        saved = pending_changes.save_pending(
            live, edit["version"], request.user, state.REVIEW if submitted else state.DRAFT
        )
        if PUBLISH_CHANGES in request.POST:
            return self.publish_pending(request, live, saved, response)
        self.log_change(request, live, "Saved pending changes.")
        if submitted:
            notify.submitted(request, live, saved)
        done = "submitted for review" if submitted else "saved as a draft"
        self.message_user(
            request,
            format_html(
                "Your changes to “{}” are {}; readers still see the live version. "
                '<a href="{}">Pending changes: compare, preview, review</a>',
                live,
                done,
                self.pending_url(live),
            ),
            messages.SUCCESS,
        )
        response["X-Pending-Change"] = str(saved.pk)
        return response

    def publish_pending(self, request, live, pending, response=None):
        author = pending.author
        notes = pending_changes.publish_pending(live, pending, request.user)
        self.log_change(request, live, "Published pending changes.")
        if author is not None and author != request.user:
            notify.decided(request, live, author, "approved and published", "")
        self.message_user(request, f"The changes to “{live}” are live.", messages.SUCCESS)
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        return response or HttpResponseRedirect(self.change_url(live))

    def change_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def pending_url(self, obj):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_pending", args=[obj.pk])

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/pending/",
                self.admin_site.admin_view(self.pending_view),
                name="{}_{}_pending".format(*info),
            ),
            *super().get_urls(),
        ]

    def pending_view(self, request, object_id):
        """The pending changes of a live item: what they change (against the live version),
        the preview, the comments, and the review buttons this user may use."""
        live = self.get_object(request, unquote(object_id))
        if live is None or not pending_changes.supports_pending(self.model):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, live):
            raise PermissionDenied
        pending = pending_changes.pending_for(live)
        if request.method == "POST":
            return self.pending_action(request, live, pending)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Pending changes: {live}",
            "subtitle": None,
            "object": live,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "pending": pending,
            "changes": pending_changes.changes(live, pending) if pending else [],
            "actions": review.allowed_actions(request.user, live, pending),
            "comments": live.review_comments.select_related("user")[:LOG_ROWS],
            "change_url": self.change_url(live),
            "preview_url": (
                f"{reverse(self.preview_url_name, args=[live.pk])}?version=pending"
                if self.preview_url_name and pending
                else None
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/editorial/pending_changes.html", context)

    def pending_action(self, request, live, pending):
        action = request.POST.get("action", "")
        try:
            outcome = review.act(request, live, pending, action)
        except review.Refused as refusal:
            return self.refuse(request, str(refusal), self.pending_url(live))
        if action == "publish":
            return self.publish_pending(request, live, pending)
        self.log_change(request, live, outcome)
        self.message_user(request, outcome, messages.SUCCESS)
        return HttpResponseRedirect(
            self.change_url(live) if action == "discard" else self.pending_url(live)
        )

    def message_user(self, request, message, *args, **kwargs):
        edit = getattr(request, "_pending_edit", None)
        if edit is not None and edit["version"] is not None:
            return  # "changed successfully" would say the live item changed
        super().message_user(request, message, *args, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        edit = getattr(request, "_pending_edit", None)
        if edit is not None:
            edit["version"] = pending_changes.serialize(form.instance)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        edit = getattr(request, "_pending_edit", None)
        if edit is not None and edit["pending"] is not None and "data" in kwargs:
            # The inline rows of a pending version exist only in a working copy, re-made for
            # each request, so their ids may differ from the ones the page was given (the
            # sequences of PostgreSQL do not roll back): the same rows come in the same order.
            fk = _get_foreign_key(type(obj), inline.model, fk_name=inline.fk_name)
            rows = inline.get_queryset(request).filter(**{fk.name: obj})
            if not rows.ordered:
                rows = rows.order_by(inline.model._meta.pk.name)
            ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
            data = kwargs["data"]
            if data.get(f"{prefix}-INITIAL_FORMS") == str(len(ids)):
                for index, pk in enumerate(ids):
                    data[f"{prefix}-{index}-id"] = pk
        return kwargs

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
        token = live_published_at = None
        edit = getattr(request, "_pending_edit", None)
        if edit is not None:
            live_published_at = edit["live_published_at"]
            token = pending_token(pending_changes.pending_for(obj))
            base = kwargs.get("form", self.form)
            field = RevisionTokenField(required=False, initial=token)
            kwargs["form"] = type(base.__name__, (base,), {LOADED_PENDING: field})
        form = super().get_form(request, obj, change, **kwargs)
        return workflow_form(form, request.user, self.model, token, live_published_at)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "state_label", "created_by"]
        if obj is not None:
            fields.append("state_log")
            if pending_changes.supports_pending(self.model):
                fields.append("review_log")
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
            for name in ("state_label", "created_by", "state_log", "review_log")
            if name not in shown and name in self.get_readonly_fields(request, obj)
        ]
        if getattr(request, "_pending_edit", None) is not None:
            fieldsets = [*fieldsets, (None, {"fields": [LOADED_PENDING], "classes": ["hidden"]})]
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
        current = obj._stored_status() if obj is not None else workflow.NEW
        context["status_buttons"] = status_buttons(self.model, current, request.user)
        if getattr(request, "_pending_edit", None) is not None:
            context["pending_edit"] = True
            context["may_publish_changes"] = self.has_publish_permission(request)
            if pending_changes.pending_for(obj) is not None:
                context["pending_url"] = self.pending_url(obj)
        self.pending_banner(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def pending_banner(self, request, obj):
        if obj is None or getattr(request, "_pending_edit", None) is None:
            return
        pending = pending_changes.pending_for(obj)
        if pending is None:
            return
        who, when = saved_by_name(pending.author), local_time(pending.saved_at)
        if "live" in request.GET:
            message = format_html(
                "You are looking at the live version. Pending changes saved by {} at {} are not "
                'in this form; saving it replaces them. <a href="{}">Edit the pending '
                "changes</a>",
                who,
                when,
                request.path,
            )
        else:
            message = format_html(
                "You are editing changes not yet live, saved by {} at {} ({}). "
                '<a href="{}?live=1">Open the live version</a>',
                who,
                when,
                pending.get_state_display().lower(),
                request.path,
            )
        messages.warning(request, message)

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
                    "Changes published"
                    if change.from_status == change.to_status
                    else f"{change.get_from_status_display() or 'Created'} → "
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

    @admin.display(description="review comments (newest first)")
    def review_log(self, obj):
        comments = list(obj.review_comments.select_related("user")[:LOG_ROWS])
        if not comments:
            return "No review comment yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    local_time(comment.at),
                    comment.user.get_username() if comment.user else "(system)",
                    comment.action,
                    comment.text,
                )
                for comment in comments
            ),
        )
        return format_html(
            '<table class="review-log"><thead><tr><th scope="col">When</th>'
            '<th scope="col">By</th><th scope="col">What</th><th scope="col">Comment</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )
