"""``sort`` orders the publication list as the list page does, and the cursors follow it."""

import base64
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from publications.forms import PublicationFilterForm
from publications.models import Publication
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:publication-list")


@pytest.fixture
def shelf():
    """Titles that tie once lowercased, publish times that tie, a draft and a scheduled one."""
    moment = timezone.now() - timedelta(days=3)
    titles = ["beta", "Alpha", "alpha", "ALPHA", "Zeta", "gamma", "Beta", "delta", "épsilon"]
    for number, title in enumerate(titles):
        PublicationFactory(
            title=title,
            slug=f"piece-{number}",
            published_at=moment if number % 3 else moment - timedelta(hours=number),
        )
    PublicationFactory(title="Aaa draft", slug="draft", draft=True)
    PublicationFactory(title="Aaa later", slug="later", scheduled=True)


def expected(sort):
    ordering = PublicationFilterForm.SORTS[sort]
    return list(Publication.objects.published().order_by(*ordering).values_list("slug", flat=True))


def walk(client, url):
    """Every slug from ``url`` on, following ``next``; and the pages' responses."""
    slugs, pages = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        slugs += [item["slug"] for item in pages[-1]["results"]]
        url = pages[-1]["next"]
    return slugs, pages


@pytest.mark.parametrize("sort", ["newest", "oldest", "title"])
@pytest.mark.parametrize("page_size", [1, 2, 4, 100])
def test_pages_follow_the_sort_without_duplicates_or_gaps(client, shelf, sort, page_size):
    slugs, pages = walk(client, f"{LIST}?sort={sort}&page_size={page_size}")

    assert slugs == expected(sort)
    assert len(slugs) == 9
    assert all("sort=" + sort in page["next"] for page in pages[:-1])


@pytest.mark.parametrize("sort", ["newest", "oldest", "title"])
def test_previous_pages_walk_back_the_same_order(client, shelf, sort):
    _, pages = walk(client, f"{LIST}?sort={sort}&page_size=2")

    back, url = [], pages[-1]["previous"]
    while url:
        page = client.get(url).json()
        back = [item["slug"] for item in page["results"]] + back
        url = page["previous"]

    assert back + [item["slug"] for item in pages[-1]["results"]] == expected(sort)


def test_title_sort_ignores_case_like_the_list_page(client, shelf):
    titles = [item["title"] for item in client.get(LIST, {"sort": "title"}).json()["results"]]

    assert [title.lower() for title in titles[:5]] == ["alpha"] * 3 + ["beta"] * 2


def test_the_default_is_newest_first(client, shelf):
    assert walk(client, LIST)[0] == expected("newest")


def test_sort_applies_with_filters(client, shelf):
    PublicationFactory(title="Trade A", slug="trade-a", tags=["Trade"])
    PublicationFactory(title="Trade B", slug="trade-b", tags=["Trade"])

    response = client.get(LIST, {"sort": "title", "tag": "trade", "fields": "slug"})

    assert [item["slug"] for item in response.json()["results"]] == ["trade-a", "trade-b"]


def test_a_bad_sort_is_a_400_naming_it(client, shelf):
    response = client.get(LIST, {"sort": "popular"})

    assert response.status_code == 400
    assert response.json() == {"sort": ["Sort by newest, oldest or title."]}


@pytest.mark.parametrize("given, used", [("title", "newest"), ("newest", "title")])
def test_a_cursor_of_another_sort_is_never_a_server_error(client, shelf, given, used):
    cursor = client.get(LIST, {"sort": given, "page_size": 2}).json()["next"].split("cursor=")[1]
    cursor = cursor.split("&")[0]

    response = client.get(LIST, {"sort": used, "page_size": 2, "cursor": cursor})

    assert response.status_code in (200, 400)


def cursor(reverse, position):
    raw = json.dumps({"r": reverse, "p": position}).encode()
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize("title", ["a'; drop table x", "\u00e9t\u00e9", "%", "_", "alpha"])
def test_a_forged_title_position_is_harmless(client, shelf, title):
    response = client.get(LIST, {"sort": "title", "cursor": cursor(0, [title, "1"])})

    assert response.status_code == 200
    assert Publication.objects.count() == 11


@pytest.mark.parametrize(
    "position",
    [["alpha", "one"], ["alpha"], ["alpha", "1", "2"], ["alpha", 1], "alpha", ["a\x00", "1"]],
)
def test_a_forged_position_of_the_wrong_shape_is_a_400(client, shelf, position):
    response = client.get(LIST, {"sort": "title", "cursor": cursor(0, position)})

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_a_cursor_names_the_item_it_starts_after(client, shelf):
    first = client.get(LIST, {"sort": "title", "page_size": 3}).json()
    token = first["next"].split("cursor=")[1].split("&")[0]
    data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))

    last = Publication.objects.get(slug=first["results"][-1]["slug"])
    assert data == {"r": 0, "p": [last.title.lower(), str(last.pk)]}


def test_a_page_size_of_thousands_of_digits_is_capped(client, shelf):
    response = client.get(LIST, {"page_size": "9" * 5000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 9
