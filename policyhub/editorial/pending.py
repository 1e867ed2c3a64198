"""Pending changes: edits to a published item that wait, drafted and reviewed, on top of the live
version until someone with the publish permission makes them live.

A pending version is the item as a save of its change form would have left it, kept as the
revisions keep an item (the row's fields and ``relations_snapshot()``), in ``PendingChange``.
The admin makes one by running the whole save (form, inlines, tags) inside a savepoint of a
*working copy* and rolling it back (``working_copy()``): the live rows, the search index and
the page cache stay as they were; only the uploaded files are kept (the pending version refers
to them, and ``delete_unused_files`` deletes them once it is discarded or replaced and nothing
else uses them). Publishing applies it with the restore machinery (``revisions.apply_version``): one
revision and one ``StateChange``.
"""

import contextvars
import json
import logging
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.db.models import FileField, JSONField
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .images import rendition_names
from .models import PendingChange, ReviewComment, StateChange
from .revisions import apply_version, changes_between_versions, plain_relations_snapshot

logger = logging.getLogger("policyhub.editorial.pending")

_in_working_copy = contextvars.ContextVar("in_working_copy", default=False)


def in_working_copy():
    """True inside ``working_copy()``: writes there are rolled back, so nothing a reader sees
    changes (the page cache keeps its pages)."""
    return _in_working_copy.get()


@contextmanager
def working_copy():
    """A savepoint that is always rolled back: the block may save freely."""
    token = _in_working_copy.set(True)
    try:
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
    finally:
        _in_working_copy.reset(token)


def supports_pending(model):
    return hasattr(model, "pending_changes")


def pending_for(obj):
    if obj is None or obj.pk is None or not supports_pending(type(obj)):
        return None
    return (
        PendingChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("author")
        .first()
    )


def serialize(instance):
    """{"fields": {attname: value}, "relations": snapshot}: JSON, as the database has it now."""
    fields = {}
    for f in type(instance)._meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(instance, f.attname)
        if isinstance(value, FieldFile):
            value = value.name or ""
        fields[f.attname] = value
    snapshot = getattr(instance, "relations_snapshot", None)
    relations = snapshot() if snapshot is not None else plain_relations_snapshot(instance)
    # Through the encoder: times, dates and decimals become strings, read back by to_python.
    return json.loads(json.dumps({"fields": fields, "relations": relations}, cls=DjangoJSONEncoder))


def field_values(model, fields):
    """The stored JSON fields back as Python values, for the fields the model still has."""
    values = {}
    for f in model._meta.concrete_fields:
        if f.attname in fields and not f.primary_key:
            value = fields[f.attname]
            values[f.attname] = value if value is None or f.is_relation else f.to_python(value)
    return values


# Kept by a restore, but part of pending changes: an editor may correct a live item's publish
# time along with the rest (never into the future: ``future_publish_time_refused``).
APPLIED_KEEP_FIELDS = ("published_at",)


def apply(instance, pending, *, record=True, reason="Pending changes published"):
    """Make ``instance`` what ``pending`` says; returns notes (as a restore does)."""
    values = field_values(type(instance), pending.fields)
    relations = pending.relations or {}
    return apply_version(
        instance, values, relations, reason, record=record, also=APPLIED_KEEP_FIELDS
    )


def future_publish_time_refused(live_published_at, new_published_at, now=None):
    """The message refusing pending changes that would move a live item's publish time into
    the future (or clear it): publishing them would take the page away from readers until
    then. None when allowed."""
    now = now or timezone.now()
    if live_published_at is None or live_published_at > now:
        return None  # not live yet (scheduled): any time is a new schedule
    if new_published_at is not None and new_published_at <= now:
        return None
    return (
        "This item is live: pending changes cannot move its publish time into the future or "
        "clear it, which would take it away from readers. To make these changes go live later, "
        "save them and schedule them on the Pending changes page; to take the item down, "
        "unpublish it."
    )


def save_pending(instance, version, user, state=PendingChange.State.DRAFT):
    """Keep ``version`` (from ``serialize``) as the item's pending change, replacing any."""
    content_type = ContentType.objects.get_for_model(type(instance))
    replaced = (
        PendingChange.objects.filter(content_type=content_type, object_id=instance.pk)
        .values_list("fields", flat=True)
        .first()
    )
    if replaced:
        delete_unused_files(type(instance), replaced)
    pending, _ = PendingChange.objects.update_or_create(
        content_type=content_type,
        object_id=instance.pk,
        defaults={
            "fields": version["fields"],
            "relations": version["relations"],
            "author": user if getattr(user, "pk", None) else None,
            "saved_at": timezone.now(),
            "state": state,
            "go_live_at": None,
        },
    )
    return pending


# Uploaded files -----------------------------------------------------------------------------


def version_files(model, fields):
    """[(file field, name, rendition names)]: the files a stored version's fields refer to."""
    renditions = {}
    for f in model._meta.concrete_fields:
        value = fields.get(f.attname)
        if isinstance(f, JSONField) and isinstance(value, dict) and value.get("source"):
            renditions[value["source"]] = rendition_names(value)
    return [
        (f, fields[f.attname], renditions.get(fields[f.attname], set()))
        for f in model._meta.concrete_fields
        if isinstance(f, FileField) and fields.get(f.attname)
    ]


def _referenced(model, field, name):
    lookup = {field.attname: name}
    if model._default_manager.filter(**lookup).exists():
        return True
    history = getattr(model, "history", None)
    if history is not None and history.filter(**lookup).exists():
        return True  # a restore may bring it back
    content_type = ContentType.objects.get_for_model(model)
    return PendingChange.objects.filter(
        content_type=content_type, **{f"fields__{field.attname}": name}
    ).exists()


def _delete_unreferenced(model, files):
    for field, name, renditions in files:
        try:
            if _referenced(model, field, name):
                continue
            # Renditions are made for one original and go with it.
            for stored in (name, *sorted(renditions)):
                field.storage.delete(stored)
        except (DatabaseError, OSError):
            logger.exception("Could not delete the unused file %s", name)


def delete_unused_files(model, fields):
    """Once committed, delete the files of a pending version that is going away (discarded,
    replaced, published over) that nothing else refers to: the live row, a revision, another
    pending version."""
    files = version_files(model, fields)
    if files:
        transaction.on_commit(lambda: _delete_unreferenced(model, files))


def pending_deleted(sender, instance, **kwargs):
    model = instance.content_type.model_class()
    if model is not None:
        delete_unused_files(model, instance.fields)


def publish_pending(instance, pending, user=None):
    """Make the pending version live: one revision, one state-change record; returns notes."""
    with transaction.atomic():
        instance.changed_by = user
        notes = apply(instance, pending, reason="Pending changes published")
        StateChange.objects.create(
            item=instance,
            from_status=instance.status,
            to_status=instance.status,
            user=user if getattr(user, "pk", None) else None,
        )
        pending.delete()
    return notes


def changes(live, pending):
    """What publishing ``pending`` would change on ``live``: [``revisions.Change``]."""
    version = {"fields": pending.fields, "relations": pending.relations}
    return changes_between_versions(type(live), serialize(live), version, also=APPLIED_KEEP_FIELDS)


# Scheduled pending changes ------------------------------------------------------------------


def publish_due(now=None):
    """Publish every scheduled pending change whose time has come; returns how many."""
    from .cache import schedule_changed  # cache.py imports this module

    now = now or timezone.now()
    published = 0
    scheduled = PendingChange.objects.filter(
        state=PendingChange.State.SCHEDULED, go_live_at__lte=now
    ).select_related("content_type")
    for pending in scheduled:
        try:
            with transaction.atomic():
                # Whoever deletes the row publishes it: two servers never publish it twice.
                if not PendingChange.objects.filter(pk=pending.pk).delete()[0]:
                    continue
                item = pending.content_type.get_object_for_this_type(pk=pending.object_id)
                publish_pending(item, pending)
                published += 1
        except (DatabaseError, ObjectDoesNotExist, ValidationError, ValueError) as error:
            # Not on every request from now on: back to review, where an editor sees why.
            logger.exception("Could not publish scheduled changes %s", pending.pk)
            PendingChange.objects.filter(pk=pending.pk).update(
                state=PendingChange.State.REVIEW, go_live_at=None
            )
            ReviewComment.objects.create(
                content_type=pending.content_type,
                object_id=pending.object_id,
                action="Scheduled publishing failed",
                text=str(error)[:1000],
            )
    # The rows deleted or sent back to review (``update()`` sends no signal): ask again.
    schedule_changed()
    return published


class ScheduledChangesMiddleware:
    """Publish pending changes whose go-live time has passed before the request is answered
    (and before the page cache answers it): with no cron, no reader sees the old version after
    that time. It asks the page cache's ``next_go_live()``: one cache read per request, a
    database query only when something is due or the schedule changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    # Answered without content: the health check must not wait on the cache twice.
    SKIPPED = ("/healthz", "/static/", "/media/")

    def __call__(self, request):
        if request.path_info.startswith(self.SKIPPED):
            return self.get_response(request)
        from .cache import next_go_live

        now = request.go_live_checked_at = timezone.now()
        try:
            due = next_go_live(now)
            if due is not None and due <= now.timestamp():
                publish_due(now)
        except DatabaseError:
            # The page decides what a database fault costs it; this must not add a 500.
            logger.exception("Could not check for scheduled changes")
        return self.get_response(request)
