"""Publication cards, rendered once per content generation (publications/templatetags/cards.py)
and reused by every list they appear in. Always the content readers may see now."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publications.models import Publication
from tests.factories import HomeSlotFactory, PersonFactory, PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("publications:list")


@pytest.fixture(autouse=True)
def data_cache_on(settings):
    settings.DATA_CACHE_ENABLED = True


def get(client, url=LIST_URL):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_repeated_listing_renders_no_card_again(client):
    PublicationFactory.create_batch(3, tags=["trade"], authors=[PersonFactory()])
    first, first_queries = get(client)
    second, second_queries = get(client)
    assert second == first
    # The authors, topics and tags of the cards are not fetched again.
    assert second_queries <= first_queries - 3


def test_cards_keep_the_listing_order(client):
    # Not "Oldest" or "Newest": the sort links say those words too.
    titles = ["Quokka", "Wombat", "Numbat"]
    for days, title in enumerate(titles):
        PublicationFactory(title=title, published_at=f"2024-01-0{days + 1}T12:00:00Z")
    get(client)
    html, _ = get(client)
    assert [html.index(title) for title in reversed(titles)] == sorted(
        html.index(title) for title in titles
    )


def test_an_edit_shows_on_the_next_request_everywhere_the_card_is(client):
    topic = TopicFactory(slug="aid")
    publication = PublicationFactory(title="First title", topics=[topic])
    assert "First title" in get(client)[0]
    assert "First title" in get(client, topic.get_absolute_url())[0]

    publication.title = "Second title"
    publication.save()

    for url in (LIST_URL, topic.get_absolute_url(), reverse("home")):
        html, _ = get(client, url)
        assert "Second title" in html
        assert "First title" not in html


def test_a_renamed_author_shows_on_the_cards(client):
    person = PersonFactory(name="Ada Analyst")
    PublicationFactory(authors=[person])
    assert "Ada Analyst" in get(client)[0]
    person.name = "Ada Lovelace-Analyst"
    person.save()
    html, _ = get(client)
    assert "Ada Lovelace-Analyst" in html
    assert "Ada Analyst<" not in html


def test_an_unpublished_publication_leaves_the_list_though_its_card_was_rendered(client):
    kept = PublicationFactory(title="Still published")
    withdrawn = PublicationFactory(title="Withdrawn piece")
    assert "Withdrawn piece" in get(client)[0]
    # A bulk update sends no signal: the generation stays, the cached card stays; the list
    # itself is asked afresh, so the card is not shown.
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(status="draft")
    html, _ = get(client)
    assert "Withdrawn piece" not in html
    assert kept.title in html


def test_home_slot_cards_are_not_the_standard_ones(client):
    HomeSlotFactory(publication=PublicationFactory(title="Lead story"))
    get(client)  # caches the standard card
    html, _ = get(client, reverse("home"))
    featured = html.split('id="featured-title"')[1].split("</section>")[0]
    assert "card--large" in featured and "Lead story" in featured


def test_cards_are_rendered_when_the_cache_is_down(client, cache_down):
    PublicationFactory(title="Resilient")
    with cache_down():
        html, _ = get(client)
    assert "Resilient" in html


def test_switched_off_every_request_renders_its_cards(client, settings):
    settings.DATA_CACHE_ENABLED = False
    PublicationFactory.create_batch(2, tags=["trade"])
    _, first = get(client)
    _, second = get(client)
    assert first == second


def test_a_listings_tags_come_in_one_query_in_name_order(django_assert_num_queries):
    PublicationFactory(tags=["zoning", "aid", "migration"])
    PublicationFactory(tags=["trade"])
    PublicationFactory()

    # The publications, their type joined, then authors, topics and tags: one query each.
    with django_assert_num_queries(4):
        publications = list(Publication.objects.for_listing().order_by("pk"))
        shown = [[tag.name for tag in publication.tags.all()] for publication in publications]

    assert shown == [["aid", "migration", "zoning"], ["trade"], []]
