"""Editors' pages at /<path>/: only published ones, under published parents; reserved paths."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from policyhub.pages.models import Page
from policyhub.pages.reserved import reserved_segments
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db

HIDDEN = [{"draft": True}, {"in_review": True}, {"scheduled": True}, {"unpublished": True}]


def test_published_page_at_its_path(client):
    about = PageFactory(title="About us", slug="about", seo_title="About the institute")
    board = PageFactory(title="Our board", slug="board", parent=about, body="<p>Nine members</p>")

    assert board.get_absolute_url() == "/about/board/"
    response = client.get("/about/board/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nine members" in content
    assert 'href="/about/"' in content  # the breadcrumb
    assert "<title>About the institute" in client.get("/about/").content.decode()


def test_a_page_at_the_deepest_level_is_shown(client):
    about = PageFactory(slug="about")
    board = PageFactory(slug="board", parent=about)
    minutes = PageFactory(slug="minutes", title="Board minutes", parent=board)

    assert client.get("/about/board/minutes/").status_code == 200
    assert set(Page.objects.visible()) == {about, board, minutes}
    board.status = Page.Status.DRAFT
    board.save()
    assert client.get("/about/board/minutes/").status_code == 404


@pytest.mark.parametrize("state", HIDDEN, ids=lambda s: next(iter(s)))
def test_hidden_page_and_pages_under_it_are_404(client, state):
    parent = PageFactory(slug="about", **state)
    PageFactory(slug="board", parent=parent)

    assert client.get("/about/").status_code == 404
    assert client.get("/about/board/").status_code == 404
    assert set(Page.objects.visible()) == set()


@pytest.mark.parametrize(
    "path", ["/board/", "/about/nope/", "/about/board/x/y/", "/a%00b/", "/about//board/", "/é/"]
)
def test_wrong_paths_are_404(client, path):
    about = PageFactory(slug="about")
    PageFactory(slug="board", parent=about)

    assert client.get(path).status_code == 404


def test_reserved_segments_come_from_the_urlconf():
    reserved = reserved_segments()

    for segment in ["publications", "people", "topics", "tags", "options", "search", "admin"]:
        assert segment in reserved
    assert {"feeds", "sitemap.xml", "robots.txt", "healthz", "static", "pages"} <= reserved


@pytest.mark.parametrize("slug", ["publications", "search", "admin", "tags", "feeds"])
def test_a_top_page_cannot_take_a_reserved_segment(slug):
    with pytest.raises(ValidationError) as error:
        PageFactory.build(slug=slug, title="x").full_clean()

    assert "slug" in error.value.message_dict


def test_a_sub_page_may_use_a_reserved_word_and_depth_is_bounded():
    about = PageFactory(slug="about")
    PageFactory.build(slug="search", title="x", parent=about).full_clean()
    second = PageFactory(slug="second", parent=about)
    third = PageFactory(slug="third", parent=second)

    with pytest.raises(ValidationError, match="levels"):
        PageFactory.build(slug="fourth", title="x", parent=third).full_clean()
    about.parent = third
    with pytest.raises(ValidationError, match="inside itself"):
        about.full_clean()


def test_preview_shows_a_draft_to_staff_only(client, admin_user):
    draft = PageFactory(slug="draft-page", title="Unseen page", draft=True)
    url = reverse("pages:preview", args=[draft.pk])

    assert client.get(url).status_code == 404
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Preview — not published" in response.content.decode()


def test_sitemap_lists_visible_pages_only(client):
    about = PageFactory(slug="about")
    PageFactory(slug="board", parent=about)
    hidden = PageFactory(slug="hidden", draft=True)
    PageFactory(slug="under-hidden", parent=hidden)

    content = client.get(reverse("sitemap")).content.decode()

    assert "http://testserver/about/board/</loc>" in content
    assert "hidden" not in content


def test_admin_renders_page_and_menu_forms(admin_client):
    page = PageFactory(slug="about")

    for url in [
        reverse("admin:pages_page_changelist"),
        reverse("admin:pages_page_add"),
        reverse("admin:pages_page_change", args=[page.pk]),
        reverse("admin:pages_menu_changelist"),
        reverse("admin:pages_menu_add"),
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_the_page_form_has_the_workflow_buttons(admin_client):
    response = admin_client.get(reverse("admin:pages_page_add"))

    content = response.content.decode()
    assert 'name="_status" value="published"' in content
    assert "Publish (or schedule at the publish time)" in content
