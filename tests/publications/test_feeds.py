from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def item_titles(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, in a test)
    return [item.findtext("title") for item in root.iter("item")]


def test_feed_lists_the_latest_twenty_published(client):
    now = timezone.now()
    for day in range(22):
        PublicationFactory(title=f"Day {day}", published_at=now - timedelta(days=day + 1))
    PublicationFactory(title="Draft", draft=True)
    PublicationFactory(title="Scheduled", scheduled=True)

    titles = item_titles(client.get(reverse("publications:feed")))

    assert titles == [f"Day {day}" for day in range(20)]


def test_feed_items_carry_link_summary_author_and_tags(client):
    publication = PublicationFactory(
        summary="A short summary.", authors=[PersonFactory(name="Ana Ruiz")], tags=["sanctions"]
    )

    content = client.get(reverse("publications:feed")).content.decode()

    assert f"http://testserver{publication.get_absolute_url()}" in content
    assert "<description>A short summary.</description>" in content
    assert "Ana Ruiz" in content
    assert "<category>sanctions</category>" in content


def test_topic_feed_lists_only_that_topic(client):
    topic = TopicFactory(name="Sanctions")
    PublicationFactory(title="On topic", topics=[topic])
    PublicationFactory(title="Draft on topic", topics=[topic], draft=True)
    PublicationFactory(title="Off topic")

    response = client.get(reverse("publications:topic_feed", args=[topic.slug]))

    assert item_titles(response) == ["On topic"]
    assert "<title>PolicyHub: Sanctions</title>" in response.content.decode()


def test_unknown_topic_feed_is_404(client):
    assert client.get("/topics/nope/feed/").status_code == 404


def test_list_page_advertises_the_feed(client):
    html = client.get(reverse("publications:list")).content.decode()

    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'href="/publications/feed/"' in html


def test_control_characters_in_content_do_not_break_the_feeds(client):
    # Regression: XML 1.0 cannot carry most control characters and the feed writer raised (500).
    topic = TopicFactory(slug="aid", name="Aid\x0b", description="About\x01 aid")
    PublicationFactory(
        title="Vertical\x0btab",
        summary="Form\x0cfeed and escape\x1b",
        topics=[topic],
        tags=["odd\x02tag"],
        authors=[PersonFactory(name="Ana\x08 Ruiz")],
    )

    for url in [reverse("publications:feed"), reverse("publications:topic_feed", args=["aid"])]:
        response = client.get(url)
        assert item_titles(response) == ["Verticaltab"], url
        content = response.content.decode()
        assert "Formfeed and escape" in content
        assert "Ana Ruiz" in content
        assert "oddtag" in content
