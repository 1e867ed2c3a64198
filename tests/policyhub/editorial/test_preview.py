"""Preview: staff who may view the model see the public page of any item with a banner; everyone
else gets a 404 whatever the id or query string; previews are never cached or indexed."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from policyhub.editorial.workflow import Status
from tests.workflow_forms import KIND_NAMES, change_url, kinds

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "publication": "publications/publication_detail.html",
    "option": "options/policyoption_detail.html",
}
STATES = {
    "draft": {"status": Status.DRAFT, "published_at": None},
    "review": {"status": Status.REVIEW, "published_at": None},
    "scheduled": {"status": Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=2)},
    "unpublished": {
        "status": Status.UNPUBLISHED,
        "published_at": timezone.now() - timedelta(days=2),
    },
}


def make(kind, state):
    factory, _ = kinds()[kind]
    return factory(title=f"Hidden {kind} in {state}", **STATES[state])


def preview_url(kind, pk):
    return reverse(f"{'publications' if kind == 'publication' else 'options'}:preview", args=[pk])


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("role", ["editor", "contributor", "admin"])
def test_staff_with_view_permission_see_the_public_page_with_a_banner(
    client, request, django_user_model, kind, state, role
):
    user = (
        django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
        if role == "admin"
        else request.getfixturevalue(role)
    )
    client.force_login(user)
    item = make(kind, state)

    response = client.get(preview_url(kind, item.pk))

    assert response.status_code == 200
    assert TEMPLATES[kind] in [t.name for t in response.templates]
    html = response.content.decode()
    assert item.title in html
    assert "Preview — not published." in html
    assert 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex"
    # The public address still hides it, and without the banner.
    public = client.get(item.get_absolute_url())
    assert public.status_code == 404
    assert "preview-banner" not in public.content.decode()


def test_public_pages_have_no_banner(client):
    factory, _ = kinds()["publication"]
    live = factory()
    html = client.get(live.get_absolute_url()).content.decode()
    assert "preview-banner" not in html and "noindex, nofollow" not in html


def refused_users(django_user_model):
    staff_without_permission = django_user_model.objects.create_user("staff", is_staff=True)
    reader_with_permission = django_user_model.objects.create_user("reader")
    reader_with_permission.user_permissions.set(
        Permission.objects.filter(codename__startswith="view_")
    )
    inactive = django_user_model.objects.create_user("gone", is_staff=True, is_active=False)
    inactive.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return {
        "anonymous": None,
        "staff without permission": staff_without_permission,
        "not staff": reader_with_permission,
        "inactive staff": inactive,
    }


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_everyone_else_gets_a_404_whatever_the_id_or_query(client, django_user_model, kind):
    draft = make(kind, "draft")
    live = kinds()[kind][0]()
    urls = [
        preview_url(kind, draft.pk),
        preview_url(kind, live.pk),
        preview_url(kind, 999_999),
        preview_url(kind, 2**63),
        preview_url(kind, draft.pk) + "?preview=1&token=x&is_staff=1",
        preview_url(kind, draft.pk) + "?pk=1%00<script>",
    ]
    for who, user in refused_users(django_user_model).items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (who, url)
            assert draft.title not in response.content.decode(), (who, url)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_unknown_or_out_of_range_ids_are_404_for_staff_too(client, editor, kind):
    client.force_login(editor)
    prefix = preview_url(kind, 1).rsplit("/1/", 1)[0]
    for url in [preview_url(kind, 999_999), preview_url(kind, 2**63), f"{prefix}/abc/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_change_page_has_a_preview_button(client, contributor, kind):
    client.force_login(contributor)
    item = make(kind, "draft")
    html = client.get(change_url(item)).content.decode()
    assert f'href="{preview_url(kind, item.pk)}"' in html
    assert ">Preview</a>" in html


def test_preview_of_an_option_under_a_draft_question(client, editor):
    from tests.factories import PolicyOptionFactory, PolicyQuestionFactory

    option = PolicyOptionFactory(question=PolicyQuestionFactory(draft=True), title="Orphan")
    client.force_login(editor)
    response = client.get(preview_url("option", option.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Orphan" in html
    # Published itself, but invisible while its question is a draft: the banner says so.
    assert "Preview — not published." in html


def test_preview_of_a_live_item_says_it_is_live(client, editor):
    factory, _ = kinds()["publication"]
    live = factory(title="Already out")
    client.force_login(editor)
    html = client.get(preview_url("publication", live.pk)).content.decode()
    assert "Preview — published." in html and "Already out" in html


def view_on_site_cases():
    from tests.factories import PolicyOptionFactory, PolicyQuestionFactory, PublicationFactory

    return {
        "publication": (PublicationFactory, "publications:preview"),
        "option": (PolicyOptionFactory, "options:preview"),
        "question": (PolicyQuestionFactory, "options:question_preview"),
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", ["publication", "option", "question"])
def test_a_hidden_item_offers_its_preview_instead_of_view_on_site(admin_client, kind, state):
    factory, preview_name = view_on_site_cases()[kind]
    item = factory(title=f"Hidden {kind}", **STATES[state])
    response = admin_client.get(change_url(item))

    assert response.context["has_absolute_url"] is False
    assert "View on site" not in response.content.decode()
    url = reverse(preview_name, args=[item.pk])
    assert f'href="{url}"' in response.content.decode()
    preview = admin_client.get(url)
    assert preview.status_code == 200
    assert f"Hidden {kind}" in preview.content.decode()


def test_an_option_under_a_draft_question_has_no_view_on_site(admin_client):
    from tests.factories import PolicyOptionFactory, PolicyQuestionFactory

    option = PolicyOptionFactory(question=PolicyQuestionFactory(draft=True))
    assert admin_client.get(change_url(option)).context["has_absolute_url"] is False


@pytest.mark.parametrize("kind", ["publication", "option", "question"])
def test_a_live_item_keeps_view_on_site(admin_client, kind):
    factory, _ = view_on_site_cases()[kind]
    item = factory()
    response = admin_client.get(change_url(item))

    assert response.context["has_absolute_url"] is True
    site = admin_client.get(response.context["absolute_url"], follow=True)
    assert site.status_code == 200
    assert site.redirect_chain[-1][0].endswith(item.get_absolute_url())
