"""Revisions of publications and policy options: relations snapshots, diffs and restores.

django-simple-history writes a historical record on every save (admin, scripts, actions). Its
records copy the row's own fields only, so each record also carries ``relations``: a JSON
snapshot of tags, ordered authors, topics, sources... made by the model's
``relations_snapshot()``. The snapshot is taken when the record is created (right for code that
sets relations before saving) and taken again by ``record_relations()`` once the admin has saved
the inlines and many-to-many fields (``ModelAdmin.save_related``). Code that changes only
relations calls ``record_relations(obj)`` too, or saves the object again for a new revision.
Writes that bypass ``save()`` (``import_content``, tag merges) call ``record_many()``: one
revision per item, in bulk.
"""

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record


@receiver(pre_create_historical_record, dispatch_uid="revision_relations_snapshot")
def _snapshot_relations(sender, instance, history_instance, **kwargs):
    snapshot = getattr(instance, "relations_snapshot", None)
    if snapshot is not None and instance.pk is not None:
        history_instance.relations = snapshot()


def latest_revision(instance):
    """The newest historical record of ``instance``, or None (content older than revisions)."""
    return instance.history.order_by("-history_id").select_related("history_user").first()


def record_relations(instance):
    """Store the current relations on the latest revision (after they have been saved)."""
    revision = latest_revision(instance)
    if revision is not None:
        revision.relations = instance.relations_snapshot()
        revision.save(update_fields=["relations"])
    return revision


def collect_relations(snapshots, linked, tagged):
    """Fill ``{pk: snapshot}`` from ``linked`` ``{key: rows of (owner pk, id, label)}`` (in
    display order) and ``tagged`` rows of (owner pk, tag name), tags sorted by name."""
    for key, rows in linked.items():
        for owner, pk, label in rows:
            snapshots[owner][key].append({"id": pk, "label": label})
    for owner, name in tagged:
        snapshots[owner]["tags"].append({"label": name})
    for snapshot in snapshots.values():
        snapshot["tags"].sort(key=lambda item: item["label"].lower())
    return snapshots


# Items per batch: bounds the memory (rows, snapshots, records) and each IN (...) list.
REVISION_BATCH = 1000


def record_many(
    model, pks, *, reason, created=(), user=None, batch_size=REVISION_BATCH, progress=None
):
    """A revision for each ``model`` row in ``pks``, written in bulk, as they are now; returns
    how many were written.

    For writes that bypass ``save()`` (``import_content``, tag merges). "+" for the pks in
    ``created``, "~" for the others; ``reason`` is the change reason, or {pk: reason}. Written
    ``batch_size`` items at a time, each batch in its own transaction (a savepoint inside the
    caller's), calling ``progress(items_in_batch)`` after each.
    """
    pks, created, written = sorted(pks), set(created), 0
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        with transaction.atomic():
            written += _record_batch(model, batch, reason, created, user)
        if progress is not None:
            progress(len(batch))
    return written


def _record_batch(model, pks, reason, created, user):
    """The records hold what simple-history's
    ``bulk_history_create`` puts in them plus each one's own relations snapshot, which that
    method cannot take (one set of extra values for every record; writing the snapshots in a
    second pass doubled the cost). Rows and snapshots are read in a few queries however many
    pks there are (``relations_snapshots``), and the records go in with one ``executemany()``:
    model instances and ``bulk_create`` cost more than the database did, for these wide rows.
    """
    history = model.history.model
    tracked = [f.attname for f in history.tracked_fields]
    pk_at = tracked.index(model._meta.pk.attname)
    rows = model._default_manager.filter(pk__in=pks).order_by("pk").values_list(*tracked)
    current = {row[pk_at]: dict(zip(tracked, row, strict=True)) for row in rows}
    if not current:
        return 0
    snapshots = model.relations_snapshots(current)
    now = timezone.now()
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    records = []
    for pk, values in current.items():
        values.update(
            history_date=now,
            history_user_id=user.pk if user is not None else None,
            history_change_reason=reason[pk] if isinstance(reason, dict) else reason,
            history_type="+" if pk in created else "~",
            relations=snapshots[pk],
        )
        record = []
        for f in fields:
            value = values[f.attname]
            # Strings, numbers and None are stored as they are; times and the JSON snapshot
            # need the field's conversion.
            if value is not None and type(value) not in (str, int, bool):
                value = f.get_db_prep_save(value, connection)
            record.append(value)
        records.append(record)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Names come from model metadata; values are parameters.
    sql = f"INSERT INTO {quote(history._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, records)
    return len(records)


def existing_ids(model, items, noun, notes, exclude=None):
    """The ids in snapshot ``items`` that still exist, in order; a note for each one gone."""
    wanted = [item["id"] for item in items if item.get("id") != exclude]
    found = set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))
    for item in items:
        if item.get("id") != exclude and item["id"] not in found:
            notes.append(f"The {noun} “{item['label']}” no longer exists and was left out.")
    return [pk for pk in wanted if pk in found]


# --- Differences between two revisions ------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str = ""
    new: str = ""
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    reordered: bool = False
    # For long text: [(kind, text)], kind "same", "del", "ins" or "gap" (unchanged text left out).
    segments: list = field(default_factory=list)


# Text longer than this is shown as the changed words with some context, not whole.
LONG_TEXT = 300
CONTEXT_WORDS = 12
_TOKENS = re.compile(r"\s+|[^\s<>]+|<[^>]*>|[<>]")


def text_segments(old, new):
    """The changes from ``old`` to ``new`` word by word, over the whole text, with
    ``CONTEXT_WORDS`` unchanged words around each change: a change at the end of a long body is
    shown like one at its start."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            same = before[i1:i2]
            # Words, not whitespace, count as context.
            keep = CONTEXT_WORDS * 2
            if len(same) > keep * 2:
                head = "" if not segments else "".join(same[:keep])
                tail = "".join(same[-keep:]) if i2 < len(before) else ""
                if head:
                    segments.append(("same", head))
                segments.append(("gap", "…"))
                if tail:
                    segments.append(("same", tail))
            else:
                segments.append(("same", "".join(same)))
            continue
        if i1 != i2:
            segments.append(("del", "".join(before[i1:i2])))
        if j1 != j2:
            segments.append(("ins", "".join(after[j1:j2])))
    return segments


def field_change(label, model, name, old, new):
    change = Change(label=label, old=_display(model, name, old), new=_display(model, name, new))
    if (
        isinstance(old, str)
        and isinstance(new, str)
        and max(len(old), len(new)) > LONG_TEXT
        and not model._meta.get_field(name).choices
    ):
        change.segments = text_segments(old, new)
    return change


def _display(model, field_name, value):
    """A stored value as an editor reads it: choice labels and related objects' names."""
    model_field = model._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"(deleted, id {value})"
    return str(value)


def _same_to_the_second(old, new):
    # The admin's form keeps times to the second: a save that only drops microseconds from a
    # time stamped by code is not a change an editor made.
    return (
        isinstance(old, datetime)
        and isinstance(new, datetime)
        and old.replace(microsecond=0) == new.replace(microsecond=0)
    )


def changes_between(old, new):
    """[Change] from revision ``old`` to ``new`` (``old`` None: the first revision)."""
    model = new.instance_type
    if old is None:
        return []
    changes = []
    for delta in new.diff_against(old).changes:
        if _same_to_the_second(delta.old, delta.new):
            continue
        label = str(model._meta.get_field(delta.field).verbose_name)
        changes.append(field_change(label, model, delta.field, delta.old, delta.new))
    return changes + relation_changes(old.relations or {}, new.relations or {})


def relation_changes(before, after):
    """[Change] between two relations snapshots."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old_labels = [item["label"] for item in before.get(key, [])]
        new_labels = [item["label"] for item in after.get(key, [])]
        if old_labels == new_labels:
            continue
        changes.append(
            Change(
                label=key,
                old=", ".join(old_labels) or "—",
                new=", ".join(new_labels) or "—",
                added=[label for label in new_labels if label not in old_labels],
                removed=[label for label in old_labels if label not in new_labels],
                reordered=sorted(old_labels) == sorted(new_labels),
            )
        )
    return changes


def changes_between_versions(model, old, new, *, also=()):
    """[Change] from ``old`` to ``new``, each {"fields": {attname: value}, "relations": ...} as
    ``pending.serialize`` makes them: what publishing a pending version would change (``also``:
    fields of ``REVISION_KEEP_FIELDS`` it changes all the same)."""
    keep = set(getattr(model, "REVISION_KEEP_FIELDS", ())) - set(also)
    changes = []
    for model_field in model._meta.concrete_fields:
        name = model_field.attname
        if model_field.primary_key or model_field.name in keep:
            continue
        if name not in old["fields"] or name not in new["fields"]:
            continue
        before, after = old["fields"][name], new["fields"][name]
        if before == after:
            continue
        label = str(model_field.verbose_name)
        changes.append(field_change(label, model, model_field.name, before, after))
    return changes + relation_changes(old["relations"] or {}, new["relations"] or {})


# --- Restore ----------------------------------------------------------------------------------


def restore(instance, revision):
    """Bring back ``revision``'s fields and relations as a new revision; return notes.

    Status and publish time stay as they are now (``REVISION_KEEP_FIELDS``): a restore never
    publishes or unpublishes. A value that cannot come back (a slug now used by another item, a
    related object since deleted) is kept as it is now, with a note saying so.
    """
    tracked = {f.attname for f in revision._meta.fields}
    old = revision.instance
    values = {
        f.attname: getattr(old, f.attname)
        for f in type(instance)._meta.concrete_fields
        if f.attname in tracked
    }
    return apply_version(
        instance, values, revision.relations or {}, f"Restored revision {revision.history_id}"
    )


def apply_version(instance, values, relations, reason, *, record=True, also=()):
    """Make ``instance`` what ``values`` ({attname: value}) and ``relations`` (a relations
    snapshot) say, as one new revision (none when ``record`` is false); return notes.
    ``also``: fields of ``REVISION_KEEP_FIELDS`` to apply all the same.

    Shared by restores and pending changes (``pending.py``), so both follow the same rules.
    """
    model = type(instance)
    keep = set(getattr(model, "REVISION_KEEP_FIELDS", ())) - set(also)
    notes = []
    with transaction.atomic():
        for model_field in model._meta.concrete_fields:
            name = model_field.attname
            if model_field.primary_key or model_field.name in keep or name not in values:
                continue
            value = values[name]
            if isinstance(value, FieldFile):
                value = value.name
            current = getattr(instance, name)
            if value == (current.name if isinstance(current, FieldFile) else current):
                continue
            if (
                model_field.is_relation
                and value is not None
                and not model_field.related_model._default_manager.filter(pk=value).exists()
            ):
                notes.append(f"The {model_field.verbose_name} was kept: the earlier one is gone.")
                continue
            if (
                model_field.unique
                and model._default_manager.filter(**{name: value}).exclude(pk=instance.pk).exists()
            ):
                notes.append(
                    f"The {model_field.verbose_name} “{value}” is now used by another item and "
                    "was kept as it is."
                )
                continue
            setattr(instance, name, value)
        instance._change_reason = reason
        if not record:
            instance.skip_history_when_saving = True
        try:
            instance.save()
        finally:
            if not record:
                del instance.skip_history_when_saving
        snapshot = getattr(instance, "relations_snapshot", None)
        current = snapshot() if snapshot is not None else plain_relations_snapshot(instance)
        # Only what differs: rewriting unchanged relations would retire cached counts for nothing.
        relations = {key: value for key, value in relations.items() if current.get(key) != value}
        restore_relations = getattr(instance, "restore_relations", None)
        if restore_relations is not None:
            notes += restore_relations(relations)
        else:
            notes += _restore_plain_relations(instance, relations)
        if record and hasattr(instance, "history"):
            record_relations(instance)
    return notes


def plain_relations_snapshot(instance):
    """The many-to-many fields of a model without its own ``relations_snapshot()`` (questions'
    regions): ids and names, in the snapshot's shape."""
    return {
        f.name: [{"id": obj.pk, "label": str(obj)} for obj in getattr(instance, f.name).all()]
        for f in type(instance)._meta.many_to_many
        if f.remote_field.through._meta.auto_created
    }


def _restore_plain_relations(instance, snapshot):
    notes = []
    for f in type(instance)._meta.many_to_many:
        if f.name in snapshot and f.remote_field.through._meta.auto_created:
            ids = existing_ids(f.related_model, snapshot[f.name], f.verbose_name, notes)
            getattr(instance, f.name).set(ids)
    return notes
