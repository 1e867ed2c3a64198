"""Small things reader pages must get right: machine-readable dates, distinct landmark names,
counts in words, case-insensitive tag order, search snippets that keep block boundaries."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policyhub.search.documents import plain_text
from tests.factories import (
    PolicyOptionFactory,
    PublicationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

# HTML allows at most three fraction digits; the pages write whole seconds.
DATETIME_ATTR = re.compile(r'<time datetime="([^"]*)"')
VALID_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d{4})?")


def test_time_elements_carry_valid_datetimes(client):
    published = timezone.now().replace(microsecond=123456) - timedelta(days=1)
    publication = PublicationFactory(title="Winter fuel", published_at=published)

    pages = [
        reverse("home"),
        reverse("publications:list"),
        publication.get_absolute_url(),
        reverse("search:search") + "?q=winter",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        values = DATETIME_ATTR.findall(html)
        assert values, url
        assert all(VALID_DATETIME.fullmatch(value) for value in values), (url, values)


def test_structured_data_dates_have_whole_seconds():
    from publications.structured_data import iso

    assert iso(datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)).endswith(":07+00:00")


def landmark_names(html, role):
    """The aria-label (or aria-labelledby id) of each element with ``role``."""
    names = []
    for tag in re.findall(rf"<[a-z]+[^>]*\brole=\"{role}\"[^>]*>", html):
        label = re.search(r'aria-label(?:ledby)?="([^"]*)"', tag)
        names.append(label.group(1) if label else None)
    return names


@pytest.mark.parametrize("url", ["/", "/search/?q=winter", "/no/such/page/"])
def test_search_landmarks_have_distinct_names(client, url):
    PublicationFactory(title="Winter fuel")

    names = landmark_names(client.get(url).content.decode(), "search")

    assert len(names) == 2, names
    assert None not in names
    assert len(set(names)) == 2, names


def test_matrix_regions_have_distinct_names(client):
    PolicyOptionFactory()

    html = client.get(reverse("options:matrix")).content.decode()

    regions = re.findall(
        r'<(?:section|div)[^>]*(?:role="region"|class="options-results")[^>]*>', html
    )
    labels = [re.search(r'aria-label(?:ledby)?="([^"]*)"', tag).group(1) for tag in regions]
    assert len(labels) == 2
    assert len(set(labels)) == 2, labels


def test_counts_agree_with_their_number(client):
    topic = TopicFactory(name="Energy")
    PublicationFactory(topics=[topic])

    for url in [reverse("home"), reverse("publications:list")]:
        html = client.get(url).content.decode()
        assert '1<span class="visually-hidden"> publication)</span>' in html, url
        assert ' 1<span class="visually-hidden"> publications)' not in html, url


def test_filter_errors_are_announced_from_a_wrapper_not_the_list(client):
    html = client.get(reverse("publications:list"), {"type": "no-such-type"}).content.decode()

    assert '<div role="alert">' in html
    assert not re.search(r"<ul[^>]*role=\"alert\"", html)


def test_tag_facets_ignore_case(client):
    for tag in ["beta", "Alpha", "gamma", "Delta"]:
        PublicationFactory(tags=[tag])
        PolicyOptionFactory(tags=[tag])

    publications = client.get(reverse("publications:list")).context["facets"]
    tags = next(facet for facet in publications if facet.param == "tag")
    assert [option.name for option in tags.options] == ["Alpha", "beta", "Delta", "gamma"]

    options = client.get(reverse("options:list")).context["facets"]
    tags = next(facet for facet in options if facet.name == "tag")
    assert [label for _, label, _ in tags.values] == ["Alpha", "beta", "Delta", "gamma"]


def test_search_tag_facet_ignores_case(client):
    for tag in ["beta", "Alpha", "gamma", "Delta"]:
        PublicationFactory(title=f"Winter {tag}", tags=[tag])

    results = client.get(reverse("search:search"), {"q": "winter"}).context["results"]
    tags = next(group for group in results.facets if group.param == "tag")
    assert [option.label for option in tags.options] == ["Alpha", "beta", "Delta", "gamma"]


def test_admin_tag_list_ignores_case(admin_client):
    for tag in ["beta", "Alpha", "gamma", "Delta"]:
        PublicationFactory(tags=[tag])

    response = admin_client.get(reverse("admin:taggit_tag_changelist"))

    names = [tag.name for tag in response.context["cl"].result_list]
    assert names == ["Alpha", "beta", "Delta", "gamma"]


def test_indexed_text_keeps_block_boundaries():
    html = "<h2>Aims</h2><ul><li>Talks</li><li>Aid &amp; <b>trade</b></li></ul><p>One<br>two</p>"

    assert plain_text(html) == "Aims · Talks · Aid & trade · One · two"
    assert plain_text("<p>Only <em>inline</em> tags</p>") == "Only inline tags"
    assert plain_text("") == ""


def test_search_snippets_separate_list_items(client):
    PublicationFactory(
        title="Winter fuel",
        body="<h2>Options</h2><ul><li>Ration diesel</li><li>Import coal</li></ul>",
    )

    html = client.get(reverse("search:search"), {"q": "diesel"}).content.decode()

    assert "Options · Ration <mark>diesel</mark> · Import coal" in html
