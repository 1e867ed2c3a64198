"""Reviewing pending changes: who may do what to them, checked on the server.

Anyone who may change the item drafts changes and submits them for review, and comments;
editors (the publish permission) publish, schedule, reject with a comment and discard; authors
may also discard their own changes. Each action names the pending version it was shown
(``token``): an action on a version saved again since is refused, so nobody approves what they
have not seen.
"""

from django import forms
from django.utils import timezone

from . import notify, workflow
from .models import PendingChange, ReviewComment

State = PendingChange.State
LABELS = {
    "submit": "Submit for review",
    "publish": "Publish changes",
    "schedule": "Schedule",
    "reject": "Reject with comment",
    "comment": "Comment",
    "discard": "Discard changes",
}
MAX_COMMENT = 5000


class Refused(Exception):
    """An action this user may not take on these changes now; the message says why. Nothing
    was changed."""


def allowed_actions(user, obj, pending):
    if pending is None:
        return []
    editor = workflow.can_publish(user, type(obj))
    actions = []
    if pending.state in (State.DRAFT, State.REJECTED):
        actions.append("submit")
    if editor:
        actions += ["publish", "schedule"]
        if pending.state == State.REVIEW:
            actions.append("reject")
    actions.append("comment")
    if editor or (pending.author_id is not None and pending.author_id == user.pk):
        actions.append("discard")
    return actions


class ScheduleForm(forms.Form):
    go_live_at = forms.DateTimeField(
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    )


def act(request, obj, pending, action):
    """Take ``action`` (one of ``LABELS``); returns what was done, for the message. "publish"
    is checked and its comment kept here; the caller then publishes (``pending.publish_pending``).
    """
    user = request.user
    if pending is None:
        raise Refused("There are no pending changes: they were published or discarded meanwhile.")
    if request.POST.get("token") != pending.token:
        raise Refused(
            "These changes were saved again after you opened them. Look at them again; nothing "
            "was changed."
        )
    if action not in allowed_actions(user, obj, pending):
        label = LABELS.get(action)
        raise Refused(
            f"You cannot “{label}” these changes now. Nothing was changed."
            if label
            else "Unknown action. Nothing was changed."
        )
    comment = request.POST.get("comment", "").strip()[:MAX_COMMENT]
    if action == "submit":
        pending.state = State.REVIEW
        pending.save(update_fields=["state"])
        notify.submitted(request, obj, pending)
        return "The changes were submitted for review."
    if action == "publish":
        if pending.state == State.REVIEW or comment:
            _comment(obj, user, "Approved", comment)
        return "Published."
    if action == "schedule":
        form = ScheduleForm(request.POST)
        if not form.is_valid() or form.cleaned_data["go_live_at"] <= timezone.now():
            raise Refused("Give a time in the future to schedule the changes. Nothing was changed.")
        pending.state, pending.go_live_at = State.SCHEDULED, form.cleaned_data["go_live_at"]
        pending.save(update_fields=["state", "go_live_at"])
        when = timezone.localtime(pending.go_live_at).strftime("%Y-%m-%d %H:%M")
        notify.decided(request, obj, pending.author, f"scheduled to go live at {when}", comment)
        return f"The changes go live at {when}."
    if action == "reject":
        if not comment:
            raise Refused("Say why in the comment when rejecting. Nothing was changed.")
        _comment(obj, user, "Rejected", comment)
        pending.state = State.REJECTED
        pending.save(update_fields=["state"])
        notify.decided(request, obj, pending.author, "rejected", comment)
        return "The changes were rejected; they are back with their author."
    if action == "comment":
        if not comment:
            raise Refused("The comment is empty. Nothing was changed.")
        _comment(obj, user, "Comment", comment)
        notify.commented(request, obj, pending.author, comment)
        return "Your comment was added."
    # discard
    _comment(obj, user, "Discarded", comment)
    pending.delete()
    return "The pending changes were discarded; the live version is unchanged."


def _comment(obj, user, action, text):
    ReviewComment.objects.create(item=obj, user=user, action=action, text=text)
