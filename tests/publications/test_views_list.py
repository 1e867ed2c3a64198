import pytest
from django.utils import timezone

from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)
from tests.publications.listing import LIST_URL, days_ago, facet, titles

pytestmark = pytest.mark.django_db


def test_newest_first_twenty_per_page(client):
    for day in range(21):
        PublicationFactory(title=f"Day {day}", published_at=days_ago(day + 1))

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert first.status_code == 200
    assert titles(first) == [f"Day {day}" for day in range(20)]
    assert titles(second) == ["Day 20"]
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("page", ["3", "0", "abc", "-1", "1.5"])
def test_bad_page_is_404(client, page):
    for _ in range(21):
        PublicationFactory()

    assert client.get(LIST_URL, {"page": page}).status_code == 404


def test_drafts_and_scheduled_are_not_listed(client):
    PublicationFactory(title="Out now")
    PublicationFactory(title="Work in progress", draft=True)
    PublicationFactory(title="Coming next week", scheduled=True)

    assert titles(client.get(LIST_URL)) == ["Out now"]


def test_filter_by_type(client):
    report = PublicationTypeFactory(name="Special report", slug="special-report")
    PublicationFactory(title="A report", publication_type=report)
    PublicationFactory(title="An analysis")

    assert titles(client.get(LIST_URL, {"type": "special-report"})) == ["A report"]


def test_filter_by_topic(client):
    sanctions = TopicFactory(slug="sanctions")
    PublicationFactory(title="On sanctions", topics=[sanctions])
    PublicationFactory(title="On something else", topics=[TopicFactory()])

    assert titles(client.get(LIST_URL, {"topic": "sanctions"})) == ["On sanctions"]


def test_filter_by_region_includes_sub_regions(client):
    asia = RegionFactory(name="Asia", slug="asia")
    north_korea = RegionFactory(name="North Korea", slug="north-korea", parent=asia)
    PublicationFactory(title="Pyongyang", regions=[north_korea], published_at=days_ago(1))
    PublicationFactory(title="Asia-wide", regions=[asia, north_korea], published_at=days_ago(2))
    PublicationFactory(title="Elsewhere", regions=[RegionFactory()])

    assert titles(client.get(LIST_URL, {"region": "asia"})) == ["Pyongyang", "Asia-wide"]
    assert titles(client.get(LIST_URL, {"region": "north-korea"})) == ["Pyongyang", "Asia-wide"]


def test_filter_by_tag(client):
    PublicationFactory(title="Tagged", tags=["Sanctions"])
    PublicationFactory(title="Untagged")

    assert titles(client.get(LIST_URL, {"tag": "sanctions"})) == ["Tagged"]


def test_filter_by_author(client):
    author = PersonFactory(slug="kim")
    PublicationFactory(title="By Kim", authors=[author, PersonFactory()])
    PublicationFactory(title="By someone else", authors=[PersonFactory()])

    assert titles(client.get(LIST_URL, {"author": "kim"})) == ["By Kim"]


def test_filter_by_year(client):
    PublicationFactory(title="Old", published_at=timezone.now().replace(year=2019))
    PublicationFactory(title="New")

    assert titles(client.get(LIST_URL, {"year": "2019"})) == ["Old"]


def test_filters_combine(client):
    topic = TopicFactory(slug="aid")
    author = PersonFactory(slug="lee")
    PublicationFactory(title="Both", topics=[topic], authors=[author], tags=["food"])
    PublicationFactory(title="Topic only", topics=[topic], tags=["food"])
    PublicationFactory(title="Author only", authors=[author], tags=["food"])

    response = client.get(LIST_URL, {"topic": "aid", "author": "lee", "tag": "food"})

    assert titles(response) == ["Both"]


def test_facet_counts_follow_the_other_filters(client):
    aid, sanctions = TopicFactory(slug="aid"), TopicFactory(slug="sanctions")
    PublicationFactory(topics=[aid], tags=["food"])
    PublicationFactory(topics=[aid, sanctions], tags=["food", "trade"])
    PublicationFactory(topics=[sanctions], tags=["trade"])
    PublicationFactory(topics=[sanctions], tags=["trade"], draft=True)

    response = client.get(LIST_URL, {"topic": "aid"})

    # The topic facet ignores the topic filter itself, so the reader can switch topics (within
    # "aid" only one publication is about sanctions; the draft is never counted)...
    assert facet(response, "topic") == {"aid": 2, "sanctions": 2}
    # ...while the other facets count within it.
    assert facet(response, "tag") == {"food": 2, "trade": 1}
    assert facet(response, "type") == {"analysis-and-commentary": 2}


def test_region_facet_counts_sub_regions_once(client):
    asia = RegionFactory(name="Asia", slug="asia")
    north_korea = RegionFactory(name="North Korea", slug="north-korea", parent=asia)
    PublicationFactory(regions=[asia, north_korea])
    PublicationFactory(regions=[north_korea])
    PublicationFactory(regions=[asia])

    assert facet(client.get(LIST_URL), "region") == {"asia": 3, "north-korea": 2}


def test_year_and_author_facets(client):
    author = PersonFactory(slug="park")
    PublicationFactory(authors=[author], published_at=timezone.now().replace(year=2020))
    PublicationFactory(authors=[author], published_at=timezone.now().replace(year=2021))
    PublicationFactory(published_at=timezone.now().replace(year=2021))

    response = client.get(LIST_URL, {"author": "park"})

    assert facet(response, "year") == {"2021": 1, "2020": 1}
    assert facet(response, "author") == {"park": 2}


def test_facet_links_keep_other_filters_and_reset_page(client):
    topic = TopicFactory(slug="aid")
    PublicationFactory(topics=[topic], tags=["food"])

    html = client.get(LIST_URL, {"topic": "aid", "page": "1"}).content.decode()

    assert f'href="{LIST_URL}?topic=aid&amp;tag=food"' in html
    # Choosing the active value again removes that filter.
    assert f'href="{LIST_URL}"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"topic": "nope"}, "No topic called “nope”."),
        ({"type": "nope"}, "No publication type called “nope”."),
        ({"region": "atlantis"}, "No region called “atlantis”."),
        ({"tag": "nope"}, "No tag called “nope”."),
        ({"author": "nobody"}, "No author called “nobody”."),
        ({"year": "abc"}, "The year must be a number such as 2024."),
        ({"year": "99999999999999999999"}, "No publications after 2999."),
        ({"topic": "<script>x</script>"}, "No topic called “&lt;script&gt;x&lt;/script&gt;”."),
        ({"author": "a\x00b"}, "Null characters are not allowed."),
    ],
)
def test_bad_filter_value_gives_empty_result_and_message(client, params, message):
    PublicationFactory(title="Visible only without filters", tags=["food"])

    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert titles(response) == []
    assert message in response.content.decode()
    assert "<script>x" not in response.content.decode()


def test_tag_used_only_by_drafts_is_an_unknown_tag(client):
    PublicationFactory(tags=["embargoed"], draft=True)

    response = client.get(LIST_URL, {"tag": "embargoed"})

    assert "No tag called “embargoed”." in response.content.decode()


def test_a_long_facet_shows_the_commonest_values_and_keeps_the_chosen_one(client):
    from publications.forms import PublicationFilterForm

    limit = PublicationFilterForm.FACET_LIMIT
    # Tag n is on n + 1 publications, so tag 0 is the rarest and falls outside the limit.
    for n in range(limit + 2):
        for _ in range(n + 1):
            PublicationFactory(tags=[f"tag {n:02d}"])

    unfiltered = facet(client.get(LIST_URL), "tag")
    chosen = facet(client.get(LIST_URL, {"tag": "tag-00"}), "tag")

    assert len(unfiltered) == limit
    assert "tag-00" not in unfiltered
    assert "tag-00" in chosen
    assert len(chosen) == limit + 1
