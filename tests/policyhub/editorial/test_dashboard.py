"""The editors' dashboard on the admin index: my drafts, waiting for review, scheduled (with
times), recently published, across publications and options, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policyhub.editorial.dashboard import dashboard
from policyhub.editorial.pending import save_pending
from tests.factories import PolicyOptionFactory, PublicationFactory
from tests.workflow_forms import change_url

pytestmark = pytest.mark.django_db

SOON = timezone.now() + timedelta(days=2)


def section(sections, key):
    return next(s for s in sections if s.key == key)


def titles(sections, key):
    return [row.title for row in section(sections, key).rows]


def test_dashboard_lists_what_needs_attention(editor, contributor):
    mine = PublicationFactory(draft=True, title="My draft", created_by=editor)
    PublicationFactory(draft=True, title="Someone else's draft", created_by=contributor)
    my_option = PolicyOptionFactory(draft=True, title="My option draft", created_by=editor)
    PublicationFactory(in_review=True, title="Review piece")
    PolicyOptionFactory(in_review=True, title="Review option")
    PublicationFactory(status="published", published_at=SOON + timedelta(hours=1), title="Later")
    PolicyOptionFactory(status="published", published_at=SOON, title="Sooner")
    PublicationFactory(title="Old", published_at=timezone.now() - timedelta(days=9))
    PolicyOptionFactory(title="New", published_at=timezone.now() - timedelta(hours=1))
    PublicationFactory(unpublished=True, title="Taken down")

    sections = dashboard(editor)

    assert set(titles(sections, "mine")) == {"My draft", "My option draft"}
    assert set(titles(sections, "review")) == {"Review piece", "Review option"}
    assert titles(sections, "scheduled") == ["Sooner", "Later"]
    assert titles(sections, "recent") == ["New", "Old"]
    scheduled = section(sections, "scheduled").rows[0]
    assert scheduled.when == SOON and scheduled.kind == "Policy option"
    assert section(sections, "mine").rows[0].url in {change_url(mine), change_url(my_option)}


def test_admin_index_shows_the_dashboard_with_links_and_times(client, editor):
    draft = PublicationFactory(draft=True, title="Unfinished essay", created_by=editor)
    scheduled = PolicyOptionFactory(status="published", published_at=SOON, title="Embargoed")
    client.force_login(editor)

    html = client.get(reverse("admin:index")).content.decode()

    assert 'id="editors-dashboard"' in html
    assert f'<a href="{change_url(draft)}">Unfinished essay</a>' in html
    assert f'<a href="{change_url(scheduled)}">Embargoed</a>' in html
    assert timezone.localtime(SOON).strftime("%Y-%m-%d %H:%M") in html
    assert "Nothing is waiting for review." in html


def test_a_user_sees_only_models_they_may_view(client, django_user_model):
    PublicationFactory(in_review=True, title="Review piece")
    PolicyOptionFactory(in_review=True, title="Review option")
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    assert all(not s.rows for s in dashboard(nobody))


@pytest.mark.parametrize("rows", [1, 8])
def test_admin_index_queries_do_not_grow(client, editor, django_assert_max_num_queries, rows):
    for n in range(rows):
        PublicationFactory(draft=True, created_by=editor)
        PublicationFactory(in_review=True)
        PolicyOptionFactory(status="published", published_at=SOON + timedelta(minutes=n))
        save_pending(PolicyOptionFactory(), {"fields": {}, "relations": {}}, editor, "review")
    client.force_login(editor)
    # The session is read from the database (sessions survive a cache outage).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 200


def test_pending_changes_waiting_for_review_are_listed(client, editor):
    publication = PublicationFactory(title="Live title")
    version = {"fields": {"title": "Proposed title"}, "relations": {}}
    save_pending(publication, version, editor, "review")
    client.force_login(editor)

    html = client.get(reverse("admin:index")).content.decode()

    pending_url = reverse("admin:publications_publication_pending", args=[publication.pk])
    assert f'<a href="{pending_url}">Proposed title</a>' in html
    assert "Changes to live: in review" in html
