"""Header and footer menus: every kind of target, hidden targets never shown, a fixed number of
queries however many items, and the page cache retired when a menu changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policyhub.pages.models import Menu, MenuItem
from tests.factories import (
    MenuFactory,
    MenuItemFactory,
    PageFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def footer_links(response):
    return [(item["text"], item["href"]) for item in response.context["menus"]["footer"]]


def test_every_kind_of_target_with_labels(client):
    about = PageFactory(title="About", slug="about")
    publication = PublicationFactory(title="Annual report")
    topic = TopicFactory(name="Aid")
    question = PolicyQuestionFactory(title="How to engage?")
    for target in [
        {"page": about},
        {"publication": publication},
        {"topic": topic, "label": "Aid work"},
        {"question": question},
        {"listing": "publications:people"},
        {"url": "https://social.example/@institute", "label": "Mastodon"},
    ]:
        MenuItemFactory(**target)

    response = client.get(reverse("home"))

    assert footer_links(response) == [
        ("About", "/about/"),
        ("Annual report", publication.get_absolute_url()),
        ("Aid work", topic.get_absolute_url()),
        ("How to engage?", question.get_absolute_url()),
        ("Experts", "/people/"),
        ("Mastodon", "https://social.example/@institute"),
    ]
    assert '<a href="https://social.example/@institute">Mastodon</a>' in response.content.decode()


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_items_to_hidden_targets_never_show(client, state):
    hidden_parent = PageFactory(slug="parent", title="Hidden parent", **{state: True})
    targets = [
        {"page": PageFactory(slug="secret", title="Secret page", **{state: True})},
        {"page": PageFactory(slug="child", title="Child of hidden", parent=hidden_parent)},
        {"publication": PublicationFactory(title="Secret report", **{state: True})},
        {"label": "Labelled secret", "publication": PublicationFactory(**{state: True})},
    ]
    if state != "scheduled":  # the question factory has no scheduled trait
        targets.append({"question": PolicyQuestionFactory(title="Secret q", **{state: True})})
    for target in targets:
        MenuItemFactory(**target)
    MenuItemFactory(menu=MenuFactory(place=Menu.Place.HEADER), listing="tags")

    response = client.get(reverse("home"))

    assert footer_links(response) == []
    content = response.content.decode()
    for secret in ["Secret", "Hidden parent", "Child of hidden", "/parent/", "/secret/"]:
        assert secret not in content
    assert 'href="/tags/">Tags</a>' in content


def test_without_a_header_menu_the_default_links_show(client):
    content = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("publications:list")}">Publications</a>' in content


def queries_for_home(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_menu_queries_do_not_grow_with_items(client):
    def add(n):
        for _ in range(n):
            parent = PageFactory()
            MenuItemFactory(page=PageFactory(parent=parent))
            MenuItemFactory(publication=PublicationFactory())
            MenuItemFactory(topic=TopicFactory())
            MenuItemFactory(question=PolicyQuestionFactory())
            MenuItemFactory(menu=MenuFactory(place=Menu.Place.HEADER), listing="tags")

    add(2)
    few = queries_for_home(client)
    add(20)
    many = queries_for_home(client)

    assert len(client.get(reverse("home")).context["menus"]["footer"]) == 88
    assert many == few


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


def test_a_menu_change_retires_cached_pages(client, page_cache_on):
    about = PageFactory(title="About", slug="about")
    assert client.get("/about/")["X-Cache"] == "miss"
    assert client.get("/about/")["X-Cache"] == "hit"

    item = MenuItemFactory(page=about, label="Who we are")
    response = client.get("/about/")
    assert response["X-Cache"] == "miss"
    assert "Who we are" in response.content.decode()

    assert client.get("/about/")["X-Cache"] == "hit"
    MenuItem.objects.get(pk=item.pk).delete()
    response = client.get("/about/")
    assert response["X-Cache"] == "miss"
    assert "Who we are" not in response.content.decode()
