from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def summary(publications):
    return [(p.title, p.reason) for p in publications]


def test_editors_choices_come_first_in_their_order():
    first, second = PublicationFactory(title="First"), PublicationFactory(title="Second")
    publication = PublicationFactory(related=[second, first])

    assert summary(publication.related_publications()) == [
        ("Second", "recommended by our editors"),
        ("First", "recommended by our editors"),
    ]


def test_unpublished_editors_choices_are_skipped():
    draft = PublicationFactory(title="Draft", draft=True)
    scheduled = PublicationFactory(title="Scheduled", scheduled=True)
    live = PublicationFactory(title="Live")
    publication = PublicationFactory(related=[draft, scheduled, live])

    assert [p.title for p in publication.related_publications()] == ["Live"]


def test_fill_ranks_by_shared_tags_and_topics_then_recency():
    topic = TopicFactory(name="Humanitarian aid")
    publication = PublicationFactory(tags=["sanctions", "North Korea"], topics=[topic])
    PublicationFactory(title="Unrelated", tags=["elections"])
    PublicationFactory(title="One tag, older", tags=["sanctions"], published_at=days_ago(9))
    PublicationFactory(title="One tag, newer", tags=["sanctions"], published_at=days_ago(2))
    PublicationFactory(title="Topic only", topics=[topic], published_at=days_ago(5))
    PublicationFactory(
        title="Everything",
        tags=["sanctions", "North Korea"],
        topics=[topic],
        published_at=days_ago(30),
    )
    PublicationFactory(
        title="Two tags", tags=["sanctions", "north korea"], published_at=days_ago(30)
    )

    assert summary(publication.related_publications(limit=5)) == [
        ("Everything", "shares tags: North Korea, sanctions; topic: Humanitarian aid"),
        ("Two tags", "shares tags: North Korea, sanctions"),
        ("One tag, newer", "shares tag: sanctions"),
        ("Topic only", "shares topic: Humanitarian aid"),
        ("One tag, older", "shares tag: sanctions"),
    ]


def test_fill_tops_up_editors_choices_to_the_limit_without_repeats():
    chosen = PublicationFactory(title="Chosen", tags=["sanctions"])
    publication = PublicationFactory(related=[chosen], tags=["sanctions"])
    for day in range(5):
        PublicationFactory(title=f"Similar {day}", tags=["sanctions"], published_at=days_ago(day))

    related = publication.related_publications(limit=4)

    assert [p.title for p in related] == ["Chosen", "Similar 0", "Similar 1", "Similar 2"]
    assert related[0].reason == "recommended by our editors"


def test_fill_excludes_itself_drafts_and_scheduled():
    publication = PublicationFactory(tags=["sanctions"])
    PublicationFactory(title="Draft", tags=["sanctions"], draft=True)
    PublicationFactory(title="Scheduled", tags=["sanctions"], scheduled=True)

    assert publication.related_publications() == []


def test_related_publications_take_a_fixed_number_of_queries(django_assert_num_queries):
    topic = TopicFactory()
    publication = PublicationFactory(
        related=[PublicationFactory()], tags=["a", "b"], topics=[topic]
    )
    for _ in range(12):
        PublicationFactory(tags=["a", "b"], topics=[topic])

    with django_assert_num_queries(4):
        related = publication.related_publications()
        reasons = [p.reason for p in related]
        types = [p.publication_type.name for p in related]

    assert len(reasons) == len(types) == 4
