"""The editorial workflow through the real admin, for publications and policy options: each
transition allowed or refused per role, and forged POSTs refused with a message, nothing saved."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from policyhub.editorial.models import StateChange
from policyhub.editorial.workflow import Status, TransitionRefused
from tests.workflow_forms import KIND_NAMES, admin_url, change_url, kinds

pytestmark = pytest.mark.django_db

PAST = timezone.now() - timedelta(days=3)
FUTURE = timezone.now() + timedelta(days=3)
EDITORS_ONLY = "Only editors can publish, schedule or unpublish"
LOCKED = "Only editors can change or delete published content"


def make(kind, status, **fields):
    factory, _ = kinds()[kind]
    published_at = PAST if status in {Status.PUBLISHED, Status.UNPUBLISHED} else None
    return factory(status=status, published_at=fields.pop("published_at", published_at), **fields)


def post_change(client, item, kind, user_is_editor, **changes):
    _, data = kinds()[kind]
    return client.post(change_url(item), data(item, with_time=user_is_editor, **changes))


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def log_of(item):
    return list(
        StateChange.objects.filter(object_id=item.pk, content_type__model=item._meta.model_name)
        .order_by("at", "pk")
        .values_list("from_status", "to_status", "user__username")
    )


EDITOR_MOVES = [
    ("draft", "review", True),
    ("draft", "published", True),
    ("review", "draft", True),
    ("review", "published", True),
    ("published", "unpublished", True),
    ("unpublished", "draft", True),
    ("unpublished", "review", True),
    ("unpublished", "published", True),
    ("published", "draft", False),
    ("published", "review", False),
    ("draft", "unpublished", False),
    ("review", "unpublished", False),
]
CONTRIBUTOR_MOVES = [
    ("draft", "review", True),
    ("review", "draft", True),
    ("unpublished", "draft", True),
    ("unpublished", "review", True),
    ("draft", "published", False),
    ("review", "published", False),
    ("unpublished", "published", False),
    ("draft", "unpublished", False),
]


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize(
    ("role", "start", "target", "allowed"),
    [("editor", *move) for move in EDITOR_MOVES]
    + [("contributor", *move) for move in CONTRIBUTOR_MOVES],
)
def test_each_transition_through_the_change_form(
    client, request, kind, role, start, target, allowed
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    item = make(kind, start)
    before = log_of(item)

    response = post_change(client, item, kind, role == "editor", status=target, title="Renamed")

    item.refresh_from_db()
    if allowed:
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert item.status == target
        assert item.title == "Renamed"
        assert log_of(item) == [*before, (start, target, user.username)]
    else:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["status"]
        assert errors and ("cannot become" in errors[0] or EDITORS_ONLY in errors[0])
        assert (item.status, item.title) == (start, item.title)
        assert item.title != "Renamed"
        assert log_of(item) == before


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_status_buttons_offer_only_the_moves_this_user_may_make(client, contributor, editor, kind):
    item = make(kind, Status.DRAFT)
    client.force_login(contributor)
    html = client.get(change_url(item)).content.decode()
    assert buttons(html) == ["draft", "review"]
    client.force_login(editor)
    html = client.get(change_url(item)).content.decode()
    assert buttons(html) == ["draft", "review", "published"]
    assert 'name="status"' in html and '<select name="status"' not in html


def buttons(html):
    """The status values of the workflow buttons in the bottom submit row."""
    bottom = html.rsplit("workflow-buttons", 1)[1].split("</div>", 1)[0]
    return re.findall(r'<button type="submit" name="_status" value="(\w+)"', bottom)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_status_button_moves_the_item_and_a_forged_one_is_refused(client, contributor, kind):
    from tests.admin_forms import change_form_data

    item = make(kind, Status.DRAFT)
    client.force_login(contributor)
    url, data = change_form_data(client, item)

    refused = client.post(url, {**data, "_status": "published"})
    item.refresh_from_db()
    assert refused.status_code == 200
    assert item.status == Status.DRAFT
    client.post(url, {**data, "_status": "review"})
    item.refresh_from_db()
    assert item.status == Status.REVIEW


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_contributor_forging_a_publish_time_is_refused(client, contributor, kind):
    client.force_login(contributor)
    item = make(kind, Status.DRAFT)
    _, data = kinds()[kind]
    forged = data(item, with_time=False, title="Renamed", published_at_0="2030-01-01")
    forged["published_at_1"] = "09:00:00"

    response = client.post(change_url(item), forged)

    assert response.status_code == 200
    assert "Only editors can set the publish time" in response.content.decode()
    item.refresh_from_db()
    assert item.published_at is None and item.title != "Renamed"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_contributor_edits_of_published_content_wait_as_pending_changes(client, contributor, kind):
    from policyhub.editorial.pending import pending_for

    client.force_login(contributor)
    item = make(kind, Status.PUBLISHED)
    page = client.get(change_url(item))
    assert page.status_code == 200
    assert 'name="_publish_changes"' not in page.content.decode()

    response = post_change(client, item, kind, False, status="published", title="Renamed")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title != "Renamed" and item.status == Status.PUBLISHED
    assert pending_for(item).fields["title"] == "Renamed"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_contributor_cannot_delete_published_content_but_can_delete_a_draft(
    client, contributor, kind
):
    client.force_login(contributor)
    live, scheduled = (
        make(kind, Status.PUBLISHED),
        make(kind, Status.PUBLISHED, published_at=FUTURE),
    )
    draft = make(kind, Status.DRAFT)
    model = type(live)
    for item in (live, scheduled):
        url = admin_url(item, "delete", item.pk)
        assert client.get(url).status_code == 302
        response = client.post(url, {"post": "yes"})
        assert any(LOCKED in m for m in messages_of(response))
    bulk = client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "post": "yes", ACTION_CHECKBOX_NAME: [live.pk, draft.pk]},
    )
    assert any(LOCKED in m for m in messages_of(bulk))
    assert model.objects.filter(pk__in=[live.pk, scheduled.pk, draft.pk]).count() == 3

    client.post(admin_url(draft, "delete", draft.pk), {"post": "yes"})
    assert not model.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_contributor_forging_a_bulk_publish_or_unpublish_is_refused(
    client, contributor, kind, action
):
    client.force_login(contributor)
    review, live = make(kind, Status.REVIEW), make(kind, Status.PUBLISHED)
    page = client.get(admin_url(type(live), "changelist"))
    assert f'value="{action}"' not in page.content.decode()

    response = client.post(
        admin_url(type(live), "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [review.pk, live.pk]},
    )

    assert any(EDITORS_ONLY in m for m in messages_of(response))
    review.refresh_from_db()
    live.refresh_from_db()
    assert (review.status, live.status) == (Status.REVIEW, Status.PUBLISHED)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_bulk_actions_follow_the_workflow(client, contributor, editor, kind):
    draft, live = make(kind, Status.DRAFT), make(kind, Status.PUBLISHED)
    url = admin_url(type(live), "changelist")
    client.force_login(contributor)
    response = client.post(
        url, {"action": "submit_for_review", ACTION_CHECKBOX_NAME: [draft.pk, live.pk]}
    )
    assert any("Left unchanged" in m and str(live) in m for m in messages_of(response))
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW

    client.force_login(editor)
    client.post(url, {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]})
    client.post(url, {"action": "unpublish", ACTION_CHECKBOX_NAME: [live.pk]})
    draft.refresh_from_db()
    live.refresh_from_db()
    assert draft.is_published and live.status == Status.UNPUBLISHED
    assert log_of(draft)[-2:] == [
        ("draft", "review", contributor.username),
        ("review", "published", editor.username),
    ]
    assert log_of(live)[-1] == ("published", "unpublished", editor.username)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_contributor_creates_a_draft_and_is_recorded_as_its_author(client, contributor, kind):
    client.force_login(contributor)
    template = make(kind, Status.DRAFT)
    model = type(template)
    _, data = kinds()[kind]
    fields = data(template, with_time=False, slug="brand-new", title="Brand new")

    refused = client.post(admin_url(model, "add"), {**fields, "status": "published"})
    assert refused.status_code == 200
    assert not model.objects.filter(slug="brand-new").exists()

    created = client.post(admin_url(model, "add"), {**fields, "status": "review"})
    assert created.status_code == 302
    item = model.objects.get(slug="brand-new")
    assert item.created_by == contributor
    assert log_of(item) == [("", "review", contributor.username)]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_editor_schedules_and_the_admin_shows_it_as_scheduled(client, editor, kind):
    client.force_login(editor)
    item = make(kind, Status.REVIEW)
    _, data = kinds()[kind]
    when = timezone.localtime(FUTURE)
    response = client.post(
        change_url(item),
        {
            **data(item),
            "status": "published",
            "published_at_0": when.strftime("%Y-%m-%d"),
            "published_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_scheduled and item.state_label == "Scheduled"
    listing = client.get(admin_url(type(item), "changelist")).content.decode()
    assert "Scheduled" in listing
    page = client.get(change_url(item)).content.decode()
    assert "Scheduled</strong> for " + when.strftime("%Y-%m-%d %H:%M") in page
    # Who changed the state and when, on the change page.
    assert "In review → Published" in page and editor.username in page


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_state_filter_lists_each_state(admin_client, kind):
    items = {
        "draft": make(kind, Status.DRAFT),
        "review": make(kind, Status.REVIEW),
        "unpublished": make(kind, Status.UNPUBLISHED),
        "live": make(kind, Status.PUBLISHED),
        "scheduled": make(kind, Status.PUBLISHED, published_at=FUTURE),
    }
    model = type(items["draft"])
    for state, item in items.items():
        response = admin_client.get(admin_url(model, "changelist"), {"state": state})
        shown = {obj.pk for obj in response.context["cl"].result_list}
        assert shown == {item.pk}, state


def test_model_methods_check_the_workflow_and_log_who_moved_it(contributor, editor):
    publication = make("publication", Status.DRAFT)
    with pytest.raises(TransitionRefused, match=EDITORS_ONLY):
        publication.publish(user=contributor)
    with pytest.raises(TransitionRefused, match="cannot become unpublished"):
        publication.unpublish()
    assert publication.submit_for_review(user=contributor)
    assert publication.publish(user=editor)
    assert not publication.publish(user=editor)  # already published: nothing to do
    assert publication.unpublish()
    publication.refresh_from_db()
    assert publication.status == Status.UNPUBLISHED
    assert not type(publication).objects.published().filter(pk=publication.pk).exists()
    assert log_of(publication) == [
        ("", "draft", None),
        ("draft", "review", contributor.username),
        ("review", "published", editor.username),
        ("published", "unpublished", None),
    ]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_contributor_cannot_restore_a_revision_of_published_content(client, contributor, kind):
    item = make(kind, Status.PUBLISHED, title="Original")
    item.title = "Edited by an editor"
    item.save()
    first = item.history.order_by("history_id").first()
    client.force_login(contributor)
    opts = item._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_restore", args=[item.pk, first.pk])

    assert client.post(url).status_code == 403

    item.refresh_from_db()
    assert item.title == "Edited by an editor"
