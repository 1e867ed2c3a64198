from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import HomeSlotFactory, PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_home_shows_slots_latest_and_topics_with_published_counts(client):
    aid, trade = TopicFactory(name="Aid", slug="aid"), TopicFactory(name="Trade", slug="trade")
    now = timezone.now()
    HomeSlotFactory(publication=PublicationFactory(title="Big feature", topics=[aid]))
    PublicationFactory(title="Newest", topics=[aid, trade], published_at=now - timedelta(hours=1))
    PublicationFactory(title="Older", published_at=now - timedelta(days=9))
    HomeSlotFactory(
        publication=PublicationFactory(title="Hidden feature", draft=True, topics=[trade])
    )
    TopicFactory(name="Empty topic")

    response = client.get(reverse("home"))
    html = response.content.decode()

    assert [slot.shown_title for slot in response.context["slots"]] == ["Big feature"]
    # Slotted publications are not repeated in the latest list.
    assert [p.title for p in response.context["latest"]] == ["Newest", "Older"]
    assert {(t["slug"], t["count"]) for t in response.context["topics"]} == {
        ("aid", 2),
        ("trade", 1),
    }
    assert "Empty topic" not in html
    assert "Hidden feature" not in html
    assert 'href="/topics/aid/"' in html


def test_home_has_a_large_search_box_and_feed_link(client):
    html = client.get(reverse("home")).content.decode()

    assert f'action="{reverse("search:search")}"' in html
    assert 'id="home-search" type="search" name="q"' in html
    assert 'href="/feeds/publications/"' in html
    assert "<title>PolicyHub: research and policy options</title>" in html
