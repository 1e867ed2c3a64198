"""The editorial workflow, in one place: the statuses, the moves allowed between them, and which
moves only editors may make.

Readers see an item only when it is published and its publish time has come
(``PublishableQuerySet.published()``); every other status is invisible to them. The admin, the
model methods and the bulk actions all ask ``check()`` before moving an item.
"""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


NEW = None  # the "current status" of an item that is being created

TRANSITIONS = {
    NEW: {Status.DRAFT, Status.REVIEW, Status.PUBLISHED},
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.UNPUBLISHED},
    Status.UNPUBLISHED: {Status.DRAFT, Status.REVIEW, Status.PUBLISHED},
}

EDITORS_ONLY = "Only editors can publish, schedule or unpublish. Nothing was saved."


class TransitionRefused(Exception):
    """A move the workflow does not allow, or not to this user; the message says why."""


def label(status):
    return "new" if status is NEW else Status(status).label.lower()


def publish_permission(model):
    """``"publications.publish_publication"``: the custom permission editors hold."""
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user.has_perm(publish_permission(model))


def needs_editor(current, target):
    # Putting content in front of readers (or scheduling it) and taking it down are both the
    # editors' call: any move into or out of "published".
    return current != target and Status.PUBLISHED in (current, target)


def can_edit(user, obj):
    """Published content (live or scheduled) is changed and deleted by editors only."""
    return obj.status != Status.PUBLISHED or can_publish(user, type(obj))


def check(model, current, target, user=None):
    """Raise TransitionRefused unless ``current`` → ``target`` is allowed (for ``user`` if given;
    ``None`` means a script or migration, bound by the graph only)."""
    if current == target:
        return
    if target not in TRANSITIONS.get(current, ()):
        onward = ", ".join(label(s) for s in Status if s in TRANSITIONS.get(current, ()))
        raise TransitionRefused(
            f"An item that is {label(current)} cannot become {label(target)} "
            f"(only {onward or 'nothing'})."
        )
    if user is not None and needs_editor(current, target) and not can_publish(user, model):
        raise TransitionRefused(EDITORS_ONLY)


def targets(model, current, user=None):
    """The statuses an item may take next (its own included), in the order of ``Status``."""
    allowed = []
    for status in Status:
        try:
            check(model, current, status, user)
        except TransitionRefused:
            continue
        allowed.append(status)
    return allowed
