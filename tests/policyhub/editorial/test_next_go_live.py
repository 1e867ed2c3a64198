"""One answer to "when does something go live next" (editorial/cache.py ``next_go_live``): it caps
the page cache and tells the middleware when scheduled pending changes are due."""

from contextlib import contextmanager
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from policyhub.editorial.cache import NEXT_GO_LIVE_KEY, SCHEDULE_GENERATION_KEY, next_go_live
from policyhub.editorial.models import PendingChange
from policyhub.editorial.pending import pending_for, serialize
from publications.models import Publication
from tests.factories import PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def schedule_pending(item, at, **changes):
    version = serialize(item)
    version["fields"].update(changes)
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(item)),
        object_id=item.pk,
        fields=version["fields"],
        relations=version["relations"],
        state=PendingChange.State.SCHEDULED,
        go_live_at=at,
    )


@contextmanager
def travel(to):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: to)
        yield


def test_one_query_answers_for_every_model_and_the_pending_changes(
    django_assert_num_queries,
):
    now = timezone.now()
    PublicationFactory(published_at=now + timedelta(hours=3))
    PolicyOptionFactory(published_at=now + timedelta(hours=2))
    schedule_pending(PublicationFactory(), now + timedelta(hours=1))
    cache.clear()

    with django_assert_num_queries(1):
        first = next_go_live(now)
    with django_assert_num_queries(0):
        again = next_go_live(now + timedelta(minutes=5))

    assert first == again == (now + timedelta(hours=1)).timestamp()


def test_the_earliest_scheduled_item_comes_first_without_pending_changes():
    now = timezone.now()
    PublicationFactory(published_at=now + timedelta(hours=3))
    PolicyOptionFactory(published_at=now + timedelta(hours=2))

    assert next_go_live(now) == (now + timedelta(hours=2)).timestamp()
    # Once that time has passed, the next one.
    assert (
        next_go_live(now + timedelta(hours=2, seconds=1)) == (now + timedelta(hours=3)).timestamp()
    )


def test_a_pending_change_past_its_time_is_still_due_until_applied():
    now = timezone.now()
    schedule_pending(PublicationFactory(), now - timedelta(minutes=1))

    assert next_go_live(now) == (now - timedelta(minutes=1)).timestamp()


def test_an_answer_stored_under_an_older_generation_is_not_used():
    now = timezone.now()
    assert next_go_live(now) is None
    old_generation = cache.get(SCHEDULE_GENERATION_KEY)
    PublicationFactory(published_at=now + timedelta(hours=1))
    # A request that read the rows before that save writes its answer after it.
    cache.set(NEXT_GO_LIVE_KEY, {"generation": old_generation, "computed_at": 0.0, "next": None})

    assert cache.get(SCHEDULE_GENERATION_KEY) != old_generation
    assert next_go_live(now) == (now + timedelta(hours=1)).timestamp()


def test_saving_an_item_that_is_live_leaves_the_answer_alone(django_assert_num_queries):
    now = timezone.now()
    next_go_live(now)
    PublicationFactory(published_at=now - timedelta(days=1))

    with django_assert_num_queries(0):
        assert next_go_live(now) is None


def test_a_scheduled_pending_change_caps_the_cached_page(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    now = timezone.now()
    publication = PublicationFactory(title="Live title")
    schedule_pending(publication, now + timedelta(hours=1), title="Scheduled title")
    url = publication.get_absolute_url()

    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    with travel(now + timedelta(hours=1, seconds=1)):
        response = client.get(url)

    assert response["X-Cache"] == "miss"
    assert "Scheduled title" in response.content.decode()
    assert pending_for(publication) is None


def test_scheduled_changes_go_live_while_the_cache_is_down(client, cache_down):
    now = timezone.now()
    publication = PublicationFactory(title="Live title")
    schedule_pending(publication, now + timedelta(hours=1), title="Scheduled title")

    with cache_down(), travel(now + timedelta(hours=2)):
        response = client.get(publication.get_absolute_url())

    assert response.status_code == 200
    assert "Scheduled title" in response.content.decode()


def test_clear_page_cache_asks_again_after_an_update_that_sent_no_signal():
    now = timezone.now()
    publication = PublicationFactory(published_at=now - timedelta(days=1))
    assert next_go_live(now) is None
    Publication.objects.filter(pk=publication.pk).update(published_at=now + timedelta(hours=1))

    call_command("clear_page_cache", stdout=StringIO())

    assert next_go_live(now) == (now + timedelta(hours=1)).timestamp()
