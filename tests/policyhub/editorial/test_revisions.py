import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from policyhub.editorial.pending import pending_for, publish_pending
from policyhub.editorial.revisions import record_many, record_relations
from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.factories import PersonFactory, PublicationFactory, TopicFactory
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db


def history_url(publication):
    return reverse("admin:publications_publication_history", args=[publication.pk])


def restore_url(publication, revision):
    return reverse(
        "admin:publications_publication_restore", args=[publication.pk, revision.history_id]
    )


def labels(revision, key):
    return [item["label"] for item in revision.relations[key]]


def test_every_save_keeps_a_revision_with_its_relations():
    author = PersonFactory(name="Ada Writer")
    publication = PublicationFactory(title="First", authors=[author], tags=["sanctions"])
    record_relations(publication)  # the factory adds relations after the first save
    publication.title = "Second"
    publication.save()

    revisions = list(publication.history.order_by("history_id"))
    assert [r.title for r in revisions] == ["First", "Second"]
    assert labels(revisions[1], "authors") == ["Ada Writer"]
    assert labels(revisions[1], "tags") == ["sanctions"]


def test_an_admin_save_records_who_saved_and_the_new_tags_and_authors(admin_client):
    first, second = PersonFactory(name="Ada First"), PersonFactory(name="Bo Second")
    publication = PublicationFactory(authors=[first], tags=["sanctions"])
    url, data = change_form_data(admin_client, publication)
    data.update(
        {
            "tags": "sanctions, food security",
            "authorships-0-person": str(second.pk),
            "authorships-1-person": str(first.pk),
            "authorships-1-order": "1",
        }
    )

    response = admin_client.post(url, {**data, **PUBLISH_CHANGES})

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = publication.history.order_by("-history_id").first()
    assert latest.history_user.username == "editor"
    assert labels(latest, "tags") == ["food security", "sanctions"]
    assert labels(latest, "authors") == ["Bo Second", "Ada First"]


def test_the_history_page_shows_field_and_relation_changes_escaped(admin_client):
    publication = PublicationFactory(title="Old title", tags=["sanctions"])
    record_relations(publication)
    url, data = change_form_data(admin_client, publication)
    data.update({"title": "New <b>title</b>", "tags": "sanctions, <script>x</script>"})
    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302

    response = admin_client.get(history_url(publication))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>Old title</del>" in html
    assert "<ins>New &lt;b&gt;title&lt;/b&gt;</ins>" in html
    assert "Added: <ins>&lt;script&gt;x&lt;/script&gt;</ins>" in html
    assert "<script>x</script>" not in html


def test_the_history_page_query_count_does_not_grow_with_revisions(
    admin_client, django_assert_max_num_queries
):
    publication = PublicationFactory()
    for n in range(12):
        publication.summary = f"Summary {n}"
        publication.save()
    with django_assert_max_num_queries(12):
        assert admin_client.get(history_url(publication)).status_code == 200


def test_restore_brings_back_fields_and_relations_as_a_new_revision(admin_client):
    ada, bo = PersonFactory(name="Ada"), PersonFactory(name="Bo")
    topic = TopicFactory(name="Sanctions policy")
    publication = PublicationFactory(
        title="Original", authors=[ada, bo], tags=["sanctions"], topics=[topic]
    )
    record_relations(publication)
    original = publication.history.order_by("-history_id").first()
    url, data = change_form_data(admin_client, publication)
    data.update(
        {
            "title": "Rewritten",
            "tags": "diplomacy",
            "topics": [],
            "authorships-0-DELETE": "on",
        }
    )
    assert admin_client.post(url, {**data, **PUBLISH_CHANGES}).status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Rewritten"
    assert publication.ordered_authors == [bo]

    response = admin_client.post(restore_url(publication, original))

    # Live content: the restore is kept as pending changes, live once published.
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title == "Rewritten"
    publish_pending(publication, pending_for(publication))
    publication.refresh_from_db()
    assert publication.title == "Original"
    assert publication.ordered_authors == [ada, bo]
    assert list(publication.tags.names()) == ["sanctions"]
    assert list(publication.topics.all()) == [topic]
    latest = publication.history.order_by("-history_id").first()
    assert latest.history_id > original.history_id
    assert latest.history_change_reason == "Pending changes published"
    assert labels(latest, "authors") == ["Ada", "Bo"]


def test_restore_keeps_the_current_status_and_says_so(admin_client):
    publication = PublicationFactory(draft=True, title="Draft title")
    draft_revision = publication.history.get()
    publication.title = "Published title"
    publication.publish()
    publication.unpublish()
    publication.title = "Taken down"
    publication.save()

    response = admin_client.post(restore_url(publication, draft_revision), follow=True)

    publication.refresh_from_db()
    assert publication.title == "Draft title"
    assert publication.status == Publication.Status.UNPUBLISHED
    assert "status (Unpublished) and publish time were kept" in response.content.decode()


def test_a_draft_is_not_published_by_restoring_a_published_revision(admin_client):
    publication = PublicationFactory(title="Live version")
    live_revision = publication.history.get()
    publication.unpublish()

    admin_client.post(restore_url(publication, live_revision))

    publication.refresh_from_db()
    assert publication.status == Publication.Status.UNPUBLISHED
    assert not Publication.objects.published().filter(pk=publication.pk).exists()


def test_restore_keeps_a_slug_now_used_by_another_publication(admin_client):
    publication = PublicationFactory(slug="first-slug", title="One")
    first = publication.history.get()
    publication.slug, publication.title = "second-slug", "Two"
    publication.save()
    PublicationFactory(slug="first-slug")

    response = admin_client.post(restore_url(publication, first), follow=True)

    publish_pending(publication, pending_for(publication))
    publication.refresh_from_db()
    assert (publication.slug, publication.title) == ("second-slug", "One")
    assert "now used by another item" in response.content.decode()


def test_a_user_without_change_permission_cannot_restore(client):
    publication = PublicationFactory(title="Before")
    first = publication.history.get()
    publication.title = "After"
    publication.save()
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(viewer)

    page = client.get(history_url(publication))
    response = client.post(restore_url(publication, first))

    assert page.status_code == 200
    assert "Restore revision" not in page.content.decode()
    assert response.status_code == 403
    publication.refresh_from_db()
    assert publication.title == "After"


def test_restore_restores_only_on_post(admin_client):
    publication = PublicationFactory()
    url = restore_url(publication, publication.history.get())
    # GET asks for confirmation (tests/policyhub/editorial/test_restore_confirmation.py).
    assert admin_client.get(url).status_code == 200
    assert admin_client.put(url).status_code == 405
    assert publication.history.count() == 1


def test_a_revision_of_another_publication_cannot_be_restored(admin_client):
    publication, other = PublicationFactory(), PublicationFactory()
    response = admin_client.post(restore_url(publication, other.history.get()))
    assert response.status_code == 404


def test_bulk_revisions_are_written_in_batches_with_progress():
    publications = PublicationFactory.create_batch(5, tags=["trade"])
    before = Publication.history.count()
    batches = []

    written = record_many(
        Publication,
        {p.pk for p in publications},
        reason={p.pk: f"Checked {p.pk}" for p in publications},
        created=[publications[0].pk],
        batch_size=2,
        progress=batches.append,
    )

    assert (written, batches) == (5, [2, 2, 1])
    records = Publication.history.order_by("-history_id")[:5]
    assert Publication.history.count() == before + 5
    assert {(r.id, r.history_change_reason, r.history_type) for r in records} == {
        (p.pk, f"Checked {p.pk}", "+" if p == publications[0] else "~") for p in publications
    }
    assert all(r.relations["tags"] == [{"label": "trade"}] for r in records)
