"""Person, topic and region pages: the subject and its published publications, paginated."""

from html import unescape

import pytest

from tests.factories import PersonFactory, PublicationFactory, RegionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return {publication.title for publication in response.context["publications"]}


def test_person_page_shows_profile_and_published_publications(client):
    person = PersonFactory(
        name="Ana Ruiz",
        role="Asia advocacy coordinator",
        affiliation="Friends Committee",
        bio="Ana has worked on the peninsula for a decade.",
        link="https://example.org/ana",
    )
    PublicationFactory(title="Ana's analysis", authors=[person])
    PublicationFactory(title="Ana's draft", authors=[person], draft=True)
    PublicationFactory(title="Someone else's")

    response = client.get(person.get_absolute_url())
    html = unescape(response.content.decode())

    assert response.status_code == 200
    assert titles(response) == {"Ana's analysis"}
    assert "<h1>Ana Ruiz</h1>" in html
    assert "Asia advocacy coordinator, Friends Committee" in html
    assert "Ana has worked on the peninsula for a decade." in html
    assert 'href="https://example.org/ana"' in html
    assert "<title>Ana Ruiz · PolicyHub</title>" in html


def test_person_page_is_paginated(client):
    person = PersonFactory()
    for _ in range(21):
        PublicationFactory(authors=[person])

    assert len(client.get(person.get_absolute_url()).context["publications"]) == 20
    assert len(client.get(person.get_absolute_url(), {"page": 2}).context["publications"]) == 1
    assert client.get(person.get_absolute_url(), {"page": 3}).status_code == 404
    assert client.get(person.get_absolute_url(), {"page": "x"}).status_code == 404


@pytest.mark.parametrize("prefix", ["people", "topics", "regions"])
def test_unknown_slug_is_404(client, prefix):
    assert client.get(f"/{prefix}/no-such-slug/").status_code == 404


def test_topic_page_lists_its_published_publications_and_feed(client):
    topic = TopicFactory(name="Sanctions", description="Measures and their effects.")
    PublicationFactory(title="On sanctions", topics=[topic])
    PublicationFactory(title="Scheduled on sanctions", topics=[topic], scheduled=True)
    PublicationFactory(title="Off topic", topics=[TopicFactory()])

    response = client.get(topic.get_absolute_url())
    html = response.content.decode()

    assert titles(response) == {"On sanctions"}
    assert "Measures and their effects." in html
    feed = f"/topics/{topic.slug}/feed/"
    assert (
        f'<link rel="alternate" type="application/rss+xml" title="Sanctions (RSS)" href="{feed}">'
        in html
    )


def test_topic_page_past_the_end_is_404(client):
    topic = TopicFactory()
    PublicationFactory(topics=[topic])

    assert client.get(topic.get_absolute_url(), {"page": 2}).status_code == 404


def test_region_page_includes_sub_regions_breadcrumb_and_children(client):
    asia = RegionFactory(name="Asia", slug="asia")
    east_asia = RegionFactory(name="East Asia", slug="east-asia", parent=asia)
    north_korea = RegionFactory(name="North Korea", slug="north-korea", parent=east_asia)
    PublicationFactory(title="Pyongyang", regions=[north_korea])
    PublicationFactory(title="Continent", regions=[asia])
    PublicationFactory(title="Europe", regions=[RegionFactory(name="Europe")])

    top = client.get(asia.get_absolute_url())
    middle = client.get(east_asia.get_absolute_url())
    html = middle.content.decode()

    assert titles(top) == {"Pyongyang", "Continent"}
    assert titles(middle) == {"Pyongyang"}
    breadcrumb = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert '<a href="/regions/asia/">Asia</a>' in breadcrumb
    assert '<li aria-current="page">East Asia</li>' in breadcrumb
    assert 'href="/regions/north-korea/">North Korea</a>' in html.split("Within East Asia")[1]
