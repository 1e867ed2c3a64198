"""The editors' dashboard on the admin index: what needs attention across publications and
policy options, and the pending changes to live items. Two small queries per model and list,
and one for pending changes, however much content there is."""

from dataclasses import dataclass, field

from django.contrib.auth import get_permission_codename
from django.db.models import Q
from django.urls import reverse

from .models import PendingChange, publishable_models

LIMIT = 10
COLUMNS = ["pk", "title", "status", "published_at", "updated_at"]


@dataclass
class Row:
    kind: str
    title: str
    url: str
    when: object  # the time that matters for this list
    state: str


@dataclass
class Section:
    key: str
    title: str
    empty: str
    rows: list = field(default_factory=list)


def _lists(queryset, user):
    """(section key, queryset ordered for it, the time to show) for one model."""
    return [
        ("mine", queryset.drafts().filter(created_by=user).order_by("-updated_at"), "updated_at"),
        ("review", queryset.in_review().order_by("updated_at"), "updated_at"),
        ("scheduled", queryset.scheduled().order_by("published_at"), "published_at"),
        ("recent", queryset.published().order_by("-published_at"), "published_at"),
    ]


SECTIONS = {
    "mine": ("My drafts", "You have no drafts."),
    "review": ("Waiting for review", "Nothing is waiting for review."),
    "scheduled": ("Scheduled", "Nothing is scheduled."),
    "recent": ("Recently published", "Nothing published yet."),
}
NEWEST_FIRST = {"mine", "recent"}


def dashboard(user, limit=LIMIT):
    """The four lists, each mixing the models this user may view, at most ``limit`` rows."""
    sections = {key: Section(key, *texts) for key, texts in SECTIONS.items()}
    for model in (m for m in publishable_models() if m.on_dashboard):
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}"):
            continue
        change = f"admin:{opts.app_label}_{opts.model_name}_change"
        for key, queryset, when in _lists(model.objects.only(*COLUMNS), user):
            for item in queryset[:limit]:
                sections[key].rows.append(
                    Row(
                        kind=opts.verbose_name.capitalize(),
                        title=item.title,
                        url=reverse(change, args=[item.pk]),
                        when=getattr(item, when),
                        state=item.state_label,
                    )
                )
    _pending_rows(sections, user, limit)
    for section in sections.values():
        section.rows.sort(key=lambda row: row.when, reverse=section.key in NEWEST_FIRST)
        del section.rows[limit:]
    return list(sections.values())


def _pending_rows(sections, user, limit):
    """Pending changes to live items, in the same lists (one query): the user's own drafts,
    those waiting for review, and the scheduled ones with their go-live time."""
    State = PendingChange.State
    wanted = Q(state=State.REVIEW) | Q(state=State.SCHEDULED)
    wanted |= Q(state__in=[State.DRAFT, State.REJECTED], author=user)
    # Newest first: the three lists together take at most 3 × ``limit`` rows.
    pendings = PendingChange.objects.filter(wanted).select_related("content_type")
    for pending in pendings.order_by("-saved_at")[: limit * 3]:
        model = pending.content_type.model_class()
        if model is None:
            continue
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.{get_permission_codename('view', opts)}"):
            continue
        key = {State.REVIEW: "review", State.SCHEDULED: "scheduled"}.get(pending.state, "mine")
        sections[key].rows.append(
            Row(
                kind=opts.verbose_name.capitalize(),
                title=pending.fields.get("title", str(pending)),
                url=reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_pending", args=[pending.object_id]
                ),
                when=pending.go_live_at if pending.state == State.SCHEDULED else pending.saved_at,
                state=f"Changes to live: {pending.get_state_display().lower()}",
            )
        )
