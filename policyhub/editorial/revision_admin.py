"""Admin side of revisions, for publications and policy options alike.

``RevisionAdminMixin`` gives a ModelAdmin:
- a history page listing every revision with what changed since the one before (fields and
  relations) and a Restore button per revision (POST, change permission required);
- the relations snapshot taken after the inlines and many-to-many fields are saved;
- no silent overwrite: the change form carries the revision it was loaded at, and a save made
  after someone else's later save is refused with who saved and when, the input kept.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.boundfield import BoundField
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from . import pending
from .images import delete_files_on_error, delete_written
from .revisions import (
    changes_between,
    changes_between_versions,
    latest_revision,
    record_relations,
    restore,
)

LOADED_REVISION = "loaded_revision"


def revision_token(revision):
    return str(revision.history_id) if revision is not None else ""


def saved_by(revision):
    user = revision.history_user
    if user is None:
        return "someone (no user recorded: a script or import)"
    return user.get_full_name() or user.get_username()


def saved_at(revision):
    return timezone.localtime(revision.history_date).strftime("%Y-%m-%d %H:%M:%S")


class UnlabelledBoundField(BoundField):
    # The admin's fieldset template labels every field; HTML allows no label on a hidden input.
    def label_tag(self, *args, **kwargs):
        return ""


class RevisionTokenField(forms.CharField):
    widget = forms.HiddenInput

    def get_bound_field(self, form, field_name):
        return UnlabelledBoundField(form, self, field_name)


class LoadedRevisionFormMixin:
    """Refuses a save when the object has a newer revision than the one the form was loaded at.

    On refusal the form carries the newer revision, so the editor, now warned and with their
    input still in the form, can save again deliberately.
    """

    def clean(self):
        cleaned_data = super().clean()
        loaded = self.data.get(LOADED_REVISION)
        # A POST without the field (an old open tab from before this check) is not refused.
        if loaded is None or self.instance.pk is None:
            return cleaned_data
        model = type(self.instance)
        if transaction.get_connection().in_atomic_block:
            # Two saves at the same moment: the second waits here and then sees the first.
            model._default_manager.select_for_update().filter(pk=self.instance.pk).exists()
        latest = latest_revision(self.instance)
        current = revision_token(latest)
        if loaded == current:
            return cleaned_data
        data = self.data.copy()
        data[LOADED_REVISION] = current
        self.data = data
        changed = ""
        # A token is a revision id; anything else (forged, or from before any revision) has no
        # earlier revision to compare with.
        is_id = loaded.isascii() and loaded.isdigit() and len(loaded) <= 18
        earlier = self.instance.history.filter(history_id=loaded).first() if is_id else None
        if earlier is not None:
            labels = [change.label for change in changes_between(earlier, latest)]
            if labels:
                changed = f" They changed: {', '.join(labels)}."
        raise ValidationError(
            "%(who)s saved this %(what)s at %(when)s, after you opened it.%(changed)s "
            "Your changes have not been saved; they are still in the form below. Look at the "
            "history to see the other save, then save again to replace it with yours.",
            code="stale",
            params={
                "who": saved_by(latest),
                "what": model._meta.verbose_name,
                "when": saved_at(latest),
                "changed": changed,
            },
        )


class RevisionAdminMixin:
    object_history_template = "admin/revisions/object_history.html"
    revisions_shown = 50

    # --- No silent overwrite ---

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(
                base.__name__,
                (LoadedRevisionFormMixin, base),
                {
                    LOADED_REVISION: RevisionTokenField(
                        required=False,
                        initial=revision_token(latest_revision(obj)),
                    )
                },
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            fieldsets = [*fieldsets, (None, {"fields": [LOADED_REVISION], "classes": ["hidden"]})]
        return fieldsets

    # --- Relations on the revision ---

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_relations(form.instance)

    # --- History and restore ---

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        limit = self.revisions_shown
        # One more than shown: the oldest one shown is compared with it.
        revisions = list(
            obj.history.select_related("history_user").order_by("-history_id")[: limit + 1]
        )
        rows = [
            {
                "revision": revision,
                "saved_by": saved_by(revision),
                "changes": changes_between(
                    revisions[index + 1] if index + 1 < len(revisions) else None, revision
                ),
                "is_first": index + 1 == len(revisions),
            }
            for index, revision in enumerate(revisions[:limit])
        ]
        info = self.opts.app_label, self.opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "rows": rows,
            "more": len(revisions) > limit,
            "can_restore": self.has_change_permission(request, obj),
            "restore_url_name": "admin:{}_{}_restore".format(*info),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def restore_view(self, request, object_id, revision_id):
        """GET: what restoring would change, and a button to confirm; POST: restore."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        revision = get_object_or_404(obj.history, history_id=revision_id)
        as_pending = getattr(obj, "status", None) == "published" and pending.supports_pending(
            type(obj)
        )
        if request.method == "GET":
            return self.restore_confirmation(request, obj, revision, as_pending)
        if as_pending:
            return self.restore_as_pending(request, obj, revision)
        notes = restore(obj, revision)
        self.log_change(request, obj, f"Restored revision {revision.history_id}.")
        status = obj.get_status_display() if hasattr(obj, "get_status_display") else None
        kept = f" The status ({status}) and publish time were kept as they are." if status else ""
        self.message_user(
            request,
            f"Restored “{obj}” to revision {revision.history_id} (saved by {saved_by(revision)} "
            f"at {saved_at(revision)}); the restore is itself a new revision.{kept}",
            messages.SUCCESS,
        )
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))

    def restore_confirmation(self, request, obj, revision, as_pending):
        """The restore tried in a working copy (rolled back, files it wrote deleted): what it
        would change, field by field, before anyone confirms it."""
        current = pending.serialize(obj)
        with delete_files_on_error() as written, pending.working_copy():
            notes = restore(obj, revision)
            restored = pending.serialize(obj)
        delete_written(written)
        obj.refresh_from_db()
        info = self.opts.app_label, self.opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore revision {revision.history_id}?",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "revision": revision,
            "saved_by": saved_by(revision),
            "changes": changes_between_versions(type(obj), current, restored),
            "notes": notes,
            "as_pending": as_pending,
            "replaced_pending": pending.pending_for(obj) if as_pending else None,
            "history_url": reverse("admin:{}_{}_history".format(*info), args=[obj.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/revisions/restore_confirm.html", context)

    def restore_as_pending(self, request, obj, revision):
        """Live content is not changed by a restore: the revision becomes its pending changes,
        shown against the live version, to preview and publish (or discard)."""
        with pending.working_copy():
            notes = restore(obj, revision)
            version = pending.serialize(obj)
        pending.save_pending(obj, version, request.user)
        self.log_change(request, obj, f"Revision {revision.history_id} kept as pending changes.")
        self.message_user(
            request,
            f"Revision {revision.history_id} (saved by {saved_by(revision)} at "
            f"{saved_at(revision)}) is now the pending changes of “{obj}”: readers still see the "
            "live version. Check what will change below, then publish or discard it.",
            messages.SUCCESS,
        )
        for note in notes:
            self.message_user(request, note, messages.WARNING)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_pending".format(*info), args=[obj.pk]))
