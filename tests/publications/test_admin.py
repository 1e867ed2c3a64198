import inspect
from datetime import datetime, timedelta

import factory.django
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, Permission, User
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from solo.admin import SingletonModelAdmin
from taggit.models import Tag

from publications.models import Publication
from tests import factories
from tests.admin_forms import change_form_data
from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

# Every factory in tests/factories.py, by model: a newly registered model with a factory is
# covered without touching this file; one without a factory fails loudly below.
FACTORIES = {
    f._meta.model: f
    for f in vars(factories).values()
    if inspect.isclass(f)
    and issubclass(f, factory.django.DjangoModelFactory)
    and f._meta.model is not None
}
EXTRA_MAKERS = {
    User: lambda: User.objects.create_user("someone", "someone@example.org", "pw"),
    Group: lambda: Group.objects.create(name="Reviewers"),
    Tag: lambda: Tag.objects.create(name="Sanctions", slug="sanctions"),
    # django-axes' login records (read-only in the admin; deleting an attempt unlocks a login).
    AccessAttempt: lambda: AccessAttempt.objects.create(
        username="editor", ip_address="192.0.2.1", failures_since_start=5
    ),
    AccessLog: lambda: AccessLog.objects.create(username="editor", ip_address="192.0.2.1"),
    AccessFailureLog: lambda: AccessFailureLog.objects.create(
        username="editor", ip_address="192.0.2.1", locked_out=True
    ),
}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def make_one(model):
    if model in FACTORIES:
        return FACTORIES[model]()
    if model in EXTRA_MAKERS:
        return EXTRA_MAKERS[model]()
    pytest.fail(f"No factory for {model._meta.label}: add one to tests/factories.py")


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_page_renders(admin_client, model):
    obj = make_one(model)
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    # Records nobody writes by hand (login attempts) have no add form.
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="editor")
    can_add = admin.site._registry[model].has_add_permission(request)
    assert admin_client.get(admin_url(model, "add")).status_code == (200 if can_add else 403)
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_search_and_filter_renders(admin_client, model):
    make_one(model)
    model_admin = admin.site._registry[model]
    url = admin_url(model, "changelist")
    if model_admin.search_fields:
        response = admin_client.get(url, {"q": "a"})
        assert response.status_code == 200
    response = admin_client.get(url)
    if isinstance(model_admin, SingletonModelAdmin):
        # One row (site settings), edited directly: its "list" is the change form.
        assert response.status_code == 200 and "adminform" in response.context
        return
    filter_links = [
        choice["query_string"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    ]
    for query_string in filter_links:
        assert admin_client.get(url + query_string).status_code == 200, query_string


def test_publication_admin_has_taxonomy_autocompletes_and_ordered_inlines(admin_client):
    model_admin = admin.site._registry[Publication]
    assert model_admin.date_hierarchy == "published_at"
    assert {"topics", "regions"} <= set(model_admin.autocomplete_fields)
    inline_models = [inline.model.__name__ for inline in model_admin.inlines]
    # The documents inline is appended by the documents app (policyhub/documents/apps.py).
    assert inline_models == ["Authorship", "RelatedPublication", "PublicationDocument"]
    response = admin_client.get(admin_url(Publication, "add"))
    assert b"admin/js/autocomplete.js" in response.content


def test_publication_changelist_marks_scheduled_items(admin_client):
    PublicationFactory(title="Coming next month", scheduled=True)
    PublicationFactory(title="Already out")
    response = admin_client.get(admin_url(Publication, "changelist"))
    assert b"Scheduled" in response.content
    response = admin_client.get(admin_url(Publication, "changelist"), {"state": "scheduled"})
    assert b"Coming next month" in response.content
    assert b"Already out" not in response.content


def test_publication_search_finds_author_name(admin_client):
    author = PersonFactory(name="Wilhelmina Quartermaine")
    PublicationFactory(title="Found by author", authors=[author])
    PublicationFactory(title="Someone else's")
    response = admin_client.get(admin_url(Publication, "changelist"), {"q": "Quartermaine"})
    assert b"Found by author" in response.content
    assert b"Someone else" not in response.content


@pytest.mark.parametrize(
    "query", ["Quartermaine", "groundwater", "aquifers"], ids=["author", "summary", "tag"]
)
def test_publication_search_looks_beyond_the_title(admin_client, query):
    author = PersonFactory(name="Wilhelmina Quartermaine")
    PublicationFactory(
        title="Found", summary="On groundwater.", authors=[author], tags=["aquifers"]
    )
    PublicationFactory(title="Someone else's")
    response = admin_client.get(admin_url(Publication, "changelist"), {"q": query})
    assert b"Found" in response.content
    assert b"Someone else" not in response.content


def test_body_editor_leaves_the_browser_spellcheck_on(admin_client):
    response = admin_client.get(admin_url(Publication, "change", PublicationFactory().pk))
    widget = response.context["adminform"].form.fields["body"].widget
    assert "NoSpellCheck" not in widget.get_config()["extensions"]


def test_publish_action_sets_status_and_missing_time(admin_client):
    draft = PublicationFactory(draft=True)
    past = timezone.now() - timedelta(days=30)
    dated_draft = PublicationFactory(status=Publication.Status.DRAFT, published_at=past)
    response = admin_client.post(
        admin_url(Publication, "changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk, dated_draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    dated_draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    assert dated_draft.is_published
    assert dated_draft.published_at == past


def test_unpublish_action_takes_the_item_down(admin_client):
    live = PublicationFactory()
    response = admin_client.post(
        admin_url(Publication, "changelist"),
        {"action": "unpublish", ACTION_CHECKBOX_NAME: [live.pk]},
    )
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.status == Publication.Status.UNPUBLISHED
    assert not Publication.objects.published().filter(pk=live.pk).exists()


def test_publication_change_form_saves_ordered_authors_and_related(admin_client):
    first, second = PersonFactory(), PersonFactory()
    other = PublicationFactory()
    publication = PublicationFactory(draft=True)
    data = {
        "title": "Edited title",
        "slug": publication.slug,
        "publication_type": publication.publication_type_id,
        "summary": "A summary.",
        "body": "<p>Text</p><script>alert(1)</script>",
        "tags": "sanctions, diplomacy",
        "status": "draft",
        "authorships-TOTAL_FORMS": "2",
        "authorships-INITIAL_FORMS": "0",
        "authorships-0-person": second.pk,
        "authorships-0-order": "0",
        "authorships-1-person": first.pk,
        "authorships-1-order": "1",
        "related_links-TOTAL_FORMS": "1",
        "related_links-INITIAL_FORMS": "0",
        "related_links-0-to_publication": other.pk,
        "related_links-0-order": "0",
        "document_attachments-TOTAL_FORMS": "0",
        "document_attachments-INITIAL_FORMS": "0",
    }
    response = admin_client.post(admin_url(Publication, "change", publication.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    publication.refresh_from_db()
    assert publication.ordered_authors == [second, first]
    assert list(publication.related.all()) == [other]
    assert sorted(publication.tags.names()) == ["diplomacy", "sanctions"]
    assert "<script" not in publication.body


@pytest.mark.parametrize("rows", [2, 12])
def test_publication_changelist_queries_do_not_grow(
    admin_client, django_assert_max_num_queries, rows
):
    publication_type = PublicationTypeFactory()
    topic, region = TopicFactory(), RegionFactory()
    for _ in range(rows):
        PublicationFactory(
            publication_type=publication_type,
            authors=[PersonFactory(), PersonFactory()],
            topics=[topic],
            regions=[region],
            tags=["sanctions", "diplomacy"],
            related=[],
        )
    with django_assert_max_num_queries(12):
        response = admin_client.get(admin_url(Publication, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:publications_person_changelist",
        "admin:publications_topic_changelist",
        "admin:publications_region_changelist",
        "admin:publications_publicationtype_changelist",
        "admin:taggit_tag_changelist",
    ],
)
@pytest.mark.parametrize("rows", [2, 12])
def test_taxonomy_changelists_count_in_one_query(
    admin_client, django_assert_max_num_queries, url_name, rows
):
    topic = TopicFactory()
    parent = RegionFactory()
    for i in range(rows):
        person = PersonFactory()
        PublicationFactory(
            authors=[person],
            topics=[topic, TopicFactory()],
            regions=[RegionFactory(parent=parent)],
            tags=[f"tag {i}", "shared"],
        )
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse(url_name))
    assert response.status_code == 200


def test_person_changelist_shows_publication_count(admin_client):
    author = PersonFactory(name="Counted Author")
    PublicationFactory(authors=[author])
    PublicationFactory(authors=[author], draft=True)
    response = admin_client.get(reverse("admin:publications_person_changelist"))
    row = next(r for r in response.context["cl"].result_list if r.pk == author.pk)
    assert row.n_publications == 2


def test_admin_header_names_the_site(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert b"PolicyHub admin" in response.content


def test_staff_editor_with_content_permissions_can_work(client):
    editor = User.objects.create_user("ed", "ed@example.org", "pw", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["publications", "taggit"])
    )
    client.force_login(editor)
    TopicFactory(name="Mediation, Negotiation & Dialogue")
    publication = PublicationFactory()
    assert client.get(admin_url(Publication, "add")).status_code == 200
    assert client.get(admin_url(Publication, "change", publication.pk)).status_code == 200
    assert client.get(reverse("admin:taggit_tag_changelist")).status_code == 200
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "publications",
            "model_name": "publication",
            "field_name": "topics",
            "term": "mediation",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Mediation, Negotiation & Dialogue"]
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


@pytest.mark.parametrize(
    "make",
    [PublicationFactory, factories.PolicyOptionFactory, factories.PolicyQuestionFactory],
    ids=["publication", "option", "question"],
)
def test_a_slug_clash_names_and_links_the_item_holding_it(admin_client, make):
    holder = make(title="Water & the <state>", slug="water")
    other = make(slug="other")
    url, data = change_form_data(admin_client, other)
    data["slug"] = "water"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    holder_url = admin_url(type(holder), "change", holder.pk)
    assert f'already used by <a href="{holder_url}">Water &amp; the &lt;state&gt;</a>' in html
    other.refresh_from_db()
    assert other.slug == "other"


@pytest.mark.parametrize(
    "app_label, model_name, field_name",
    [
        ("publications", "relatedpublication", "to_publication"),
        ("options", "optionsource", "publication"),
    ],
)
def test_publication_autocomplete_tells_alike_titles_apart(
    admin_client, app_label, model_name, field_name
):
    published_at = timezone.make_aware(datetime(2024, 3, 5, 12))
    PublicationFactory(
        title="Water security",
        publication_type=PublicationTypeFactory(name="Report", slug="report"),
        published_at=published_at,
    )
    PublicationFactory(
        title="Water security",
        publication_type=PublicationTypeFactory(name="Brief", slug="brief"),
        draft=True,
    )

    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
            "term": "water",
        },
    )

    labels = sorted(result["text"] for result in response.json()["results"])
    assert labels == [
        "Water security (Brief, no date, Draft)",
        "Water security (Report, 2024-03-05, Published)",
    ]
