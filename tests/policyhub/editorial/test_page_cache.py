"""The public page cache (policyhub/cache.py): what it stores, who bypasses it, what retires it."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from csp.constants import NONCE, SELF
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from policyhub.editorial import cache as page_cache
from publications.models import Authorship, Publication, RelatedPublication
from publications.tags import merge_tags
from tests.factories import (
    ActorFactory,
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    RegionFactory,
    SynonymFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.ROOT_URLCONF = "tests.policyhub.editorial.page_cache_urls"


def x_cache(response):
    return response.headers.get("X-Cache")


def test_second_request_is_a_hit_with_the_same_page_and_no_queries(
    client, django_assert_max_num_queries
):
    PublicationFactory(title="Sanctions and their limits")
    first = client.get(reverse("publications:list"))
    assert x_cache(first) == "miss"
    assert b"Sanctions and their limits" in first.content

    with django_assert_max_num_queries(0):
        second = client.get(reverse("publications:list"))
    assert x_cache(second) == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # The outer middleware still runs on a hit.
    assert second["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in second
    assert int(second["Content-Length"]) == len(second.content)


def test_query_strings_are_separate_pages(client):
    assert x_cache(client.get("/publications/?page=1")) == "miss"
    assert x_cache(client.get("/publications/?topic=aid")) == "miss"
    assert x_cache(client.get("/publications/?page=1")) == "hit"


def test_head_is_answered_from_a_cached_get(client):
    client.get(reverse("home"))
    response = client.head(reverse("home"))
    assert response.status_code == 200
    assert x_cache(response) == "hit"


def test_a_head_miss_stores_nothing(client):
    assert x_cache(client.head(reverse("home"))) == "miss"
    assert x_cache(client.get(reverse("home"))) == "miss"


def test_logged_in_editors_bypass_the_cache(client, django_user_model):
    publication = PublicationFactory(title="Before")
    client.get(publication.get_absolute_url())  # cached for readers

    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(editor)
    Publication.objects.filter(pk=publication.pk).update(title="After")  # no signal, no bump
    response = client.get(publication.get_absolute_url())
    assert x_cache(response) is None
    assert b"After" in response.content

    client.logout()
    client.cookies.clear()
    assert b"Before" in client.get(publication.get_absolute_url()).content  # readers' copy


def test_an_editors_page_is_never_stored_for_readers(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", password="pw", is_staff=True)
    client.force_login(editor)
    client.get(reverse("home"))
    client.logout()
    client.cookies.clear()
    assert x_cache(client.get(reverse("home"))) == "miss"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/",
        "/publications/preview/some-token/",
        "/options/preview/some-token/",
        "/healthz",
    ],
)
def test_admin_preview_and_health_check_are_never_cached(client, path):
    for _ in range(2):
        response = client.get(path)
        assert x_cache(response) is None


def test_a_request_with_a_session_cookie_bypasses_the_cache(client, settings):
    client.get(reverse("home"))
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    assert x_cache(client.get(reverse("home"))) is None


def test_a_request_with_a_messages_cookie_bypasses_the_cache(client):
    client.get(reverse("home"))
    client.cookies["messages"] = "anything"
    assert x_cache(client.get(reverse("home"))) is None


@pytest.mark.parametrize(
    "path",
    [
        "/test-cache/cookie/",
        "/test-cache/private/",
        "/test-cache/no-store/",
        "/test-cache/language/",
        "/test-cache/session/",
    ],
)
def test_responses_that_are_not_the_same_for_everyone_are_not_stored(client, path):
    assert x_cache(client.get(path)) == "miss"
    client.cookies.clear()
    assert x_cache(client.get(path)) == "miss"


def test_vary_cookie_from_reading_the_session_is_cached_for_cookieless_readers(client):
    first = client.get("/test-cache/reads-session/")
    assert "Cookie" in first["Vary"]
    assert x_cache(client.get("/test-cache/reads-session/")) == "hit"


def test_accept_encoding_gets_its_own_entry(client):
    home = reverse("home")
    assert x_cache(client.get(home, HTTP_ACCEPT_ENCODING="gzip")) == "miss"
    assert x_cache(client.get(home, HTTP_ACCEPT_ENCODING="gzip, br")) == "miss"
    assert x_cache(client.get(home)) == "miss"
    assert x_cache(client.get(home, HTTP_ACCEPT_ENCODING="br;q=1.0, gzip;q=0.8")) == "hit"
    assert x_cache(client.get(home, HTTP_ACCEPT_ENCODING="gzip")) == "hit"


def test_each_hit_carries_a_fresh_csp_nonce_in_body_and_header(client, settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": [SELF], "script-src": [NONCE]}
    }
    nonces = []
    for expected in ("miss", "hit", "hit"):
        response = client.get("/test-cache/nonce/")
        assert x_cache(response) == expected
        body_nonce = re.search(rb'nonce="([^"]+)"', response.content).group(1).decode()
        assert f"'nonce-{body_nonce}'" in response["Content-Security-Policy"]
        nonces.append(body_nonce)
    assert len(set(nonces)) == 3


@pytest.fixture
def world():
    author = PersonFactory(name="Ana Author")
    topic, region = TopicFactory(), RegionFactory()
    publication = PublicationFactory(
        authors=[author], topics=[topic], regions=[region], tags=["sanctions", "aid"]
    )
    other = PublicationFactory()
    option = PolicyOptionFactory(tags=["sanctions"])
    source = OptionSourceFactory(option=option, publication=publication)
    return {
        "author": author,
        "topic": topic,
        "region": region,
        "publication": publication,
        "other": other,
        "option": option,
        "source": source,
    }


def _rename(obj, field, value):
    setattr(obj, field, value)
    obj.save()


CHANGES = {
    "publication edited": lambda w: _rename(w["publication"], "title", "New title"),
    "publication unpublished": lambda w: w["publication"].unpublish(),
    "publication published": lambda w: PublicationFactory(draft=True).publish(),
    "publication deleted": lambda w: w["other"].delete(),
    "option edited": lambda w: _rename(w["option"], "title", "New option"),
    "option unpublished": lambda w: w["option"].unpublish(),
    "option deleted": lambda w: w["option"].delete(),
    "question edited": lambda w: _rename(w["option"].question, "title", "New question?"),
    "question unpublished": lambda w: w["option"].question.unpublish(),
    "person renamed": lambda w: _rename(w["author"], "name", "Ana Renamed"),
    "topic renamed": lambda w: _rename(w["topic"], "name", "New topic"),
    "region deleted": lambda w: w["region"].delete(),
    "tag renamed": lambda w: _rename(Tag.objects.get(name="aid"), "name", "development aid"),
    "synonym added": lambda w: SynonymFactory(),
    "related publication added": lambda w: RelatedPublication.objects.create(
        from_publication=w["publication"], to_publication=w["other"], order=0
    ),
    "author removed": lambda w: Authorship.objects.filter(publication=w["publication"]).delete(),
    "source stance changed": lambda w: _rename(w["source"], "note", "A new note"),
    "m2m: topic added": lambda w: w["other"].topics.add(w["topic"]),
    "m2m: topic removed from its side": lambda w: w["topic"].publications.clear(),
    "m2m: tag added": lambda w: w["other"].tags.add("new tag"),
    "m2m: tag removed": lambda w: w["publication"].tags.remove("aid"),
    "m2m: option actor added": lambda w: w["option"].actors.add(ActorFactory()),
    "tag merge": lambda w: merge_tags(
        Tag.objects.get(name="sanctions"), list(Tag.objects.filter(name__in=["sanctions", "aid"]))
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_readers_could_see_retires_the_cached_pages(client, world, change):
    pages = [reverse("home"), world["publication"].get_absolute_url(), reverse("options:list")]
    for page in pages:
        client.get(page)
        assert x_cache(client.get(page)) == "hit"

    change(world)

    for page in pages:
        assert x_cache(client.get(page)) == "miss"


def test_an_edit_shows_on_the_next_request(client):
    publication = PublicationFactory(title="Old title")
    url = publication.get_absolute_url()
    client.get(url)
    publication.title = "Corrected title"
    publication.save()
    response = client.get(url)
    assert b"Corrected title" in response.content
    assert b"Old title" not in response.content


def test_changes_outside_reader_content_keep_the_cache(client, django_user_model):
    client.get(reverse("home"))
    django_user_model.objects.create_user("someone", password="pw")
    assert x_cache(client.get(reverse("home"))) == "hit"


def test_the_generation_changes_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory()
        during = page_cache.current_generation()
    assert page_cache.current_generation() != during


def test_clear_page_cache_command_retires_pages(client):
    from django.core.management import call_command

    client.get(reverse("home"))
    call_command("clear_page_cache", stdout=mock.Mock())
    assert x_cache(client.get(reverse("home"))) == "miss"


def _travel(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_scheduled_publication_appears_at_its_time_with_no_invalidation(client):
    now = timezone.now()
    PublicationFactory(title="Already out", published_at=now - timedelta(hours=1))
    PublicationFactory(title="Out at noon", published_at=now + timedelta(minutes=10))
    PublicationFactory(title="Out tomorrow", published_at=now + timedelta(days=1))
    url = reverse("publications:list")

    with _travel(now):
        first = client.get(url)
        assert b"Already out" in first.content and b"Out at noon" not in first.content
        assert x_cache(client.get(url)) == "hit"
    with _travel(now + timedelta(minutes=9, seconds=58)):
        assert x_cache(client.get(url)) == "hit"
    with _travel(now + timedelta(minutes=10)):
        response = client.get(url)
        assert x_cache(response) == "miss"
        assert b"Out at noon" in response.content
        assert b"Out tomorrow" not in response.content
    with _travel(now + timedelta(minutes=11)):
        assert x_cache(client.get(url)) == "hit"
    with _travel(now + timedelta(days=1, seconds=1)):
        assert b"Out tomorrow" in client.get(url).content


def test_a_scheduled_option_caps_the_lifetime_of_cached_pages(client):
    now = timezone.now()
    PolicyOptionFactory(title="Option at noon", published_at=now + timedelta(minutes=5))
    url = reverse("options:list")
    with _travel(now):
        client.get(url)
    with _travel(now + timedelta(minutes=5, seconds=1)):
        response = client.get(url)
    assert x_cache(response) == "miss"
    assert b"Option at noon" in response.content


def test_the_backend_timeout_is_capped_at_the_next_publish_time(client):
    now = timezone.now()
    PublicationFactory(published_at=now + timedelta(seconds=30))
    with mock.patch.object(cache, "set", wraps=cache.set) as cache_set:
        client.get(reverse("home"))
    page_sets = [c for c in cache_set.call_args_list if ":page:" in c.args[0]]
    assert len(page_sets) == 1
    assert 0 < page_sets[0].kwargs["timeout"] <= 30


def test_no_page_is_stored_when_a_publish_time_passes_during_rendering(client):
    now = timezone.now()
    # Saved while still scheduled (a save is what tells the cache a publish time is coming).
    PublicationFactory(published_at=now + timedelta(seconds=1))
    calls = []

    def clock():
        # The request starts before the publish time; rendering and storing happen after it.
        calls.append(1)
        return now if len(calls) == 1 else now + timedelta(seconds=2)

    with mock.patch("django.utils.timezone.now", side_effect=clock):
        assert x_cache(client.get(reverse("publications:list"))) == "miss"
    assert x_cache(client.get(reverse("publications:list"))) == "miss"


def test_pages_are_served_when_the_cache_is_down(client, cache_down):
    PublicationFactory(title="Still readable")
    with cache_down():
        response = client.get(reverse("publications:list"))
    assert response.status_code == 200
    assert b"Still readable" in response.content


def test_edits_succeed_when_the_cache_is_down(cache_down):
    publication = PublicationFactory()
    with cache_down():
        publication.title = "Edited anyway"
        publication.save()
    assert Publication.objects.get(pk=publication.pk).title == "Edited anyway"


def test_drafts_never_reach_the_cache(client):
    draft = PublicationFactory(title="Secret draft", draft=True)
    client.get(reverse("publications:list"))
    assert b"Secret draft" not in client.get(reverse("publications:list")).content
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_page_asked_for_with_unknown_parameters_is_not_stored(client):
    url = reverse("publications:list")
    assert x_cache(client.get(url + "?utm_id=a1")) == "miss"
    assert x_cache(client.get(url + "?utm_id=a1")) == "miss"
    # Nor under the page's own key: its links carry ?utm_id=a1.
    assert x_cache(client.get(url)) == "miss"


def test_unknown_parameters_are_answered_with_the_page_everyone_gets(client):
    url = reverse("publications:list")
    first = client.get(url + "?page=1")
    response = client.get(url + "?utm_source=newsletter&page=1&fbclid=x")
    assert x_cache(response) == "hit"
    assert response.content == first.content


def test_the_order_of_parameters_makes_no_new_page(client):
    url = reverse("search:search")
    assert x_cache(client.get(url + "?q=aid&sort=date")) == "miss"
    assert x_cache(client.get(url + "?sort=date&q=aid")) == "hit"


def test_one_path_stores_at_most_page_cache_max_variants(client, settings):
    settings.PAGE_CACHE_MAX_VARIANTS = 3
    url = reverse("publications:list")
    for word in ["a", "b", "c", "d"]:
        assert x_cache(client.get(f"{url}?q={word}")) == "miss"

    assert [x_cache(client.get(f"{url}?q={word}")) for word in ["a", "b", "c", "d"]] == [
        "hit",
        "hit",
        "hit",
        "miss",
    ]
    # Other paths keep their own count.
    client.get(reverse("options:list"))
    assert x_cache(client.get(reverse("options:list"))) == "hit"


def test_a_response_larger_than_page_cache_max_bytes_is_not_stored(client, settings):
    PublicationFactory()
    url = reverse("publications:list")
    size = len(client.get(url).content)  # stored: the next one is a hit
    settings.PAGE_CACHE_MAX_BYTES = size - 1
    page_cache.invalidate()  # the stored copy is retired; the next one is too large

    assert x_cache(client.get(url)) == "miss"
    assert x_cache(client.get(url)) == "miss"
    settings.PAGE_CACHE_MAX_BYTES = size
    client.get(url)
    assert x_cache(client.get(url)) == "hit"


def test_every_parameter_a_reader_page_reads_is_in_the_page_cache_key(settings):
    # A parameter missing from the list would be answered with the unfiltered page.
    from options.forms import OptionFilterForm
    from policyhub.search.forms import SearchForm, SuggestForm
    from publications.forms import PublicationFilterForm

    read = {"page", "options", "p"}  # ListView's page, compare's options, the sitemap's p
    for form in (PublicationFilterForm, OptionFilterForm, SearchForm, SuggestForm):
        read |= set(form.base_fields)
    assert read <= set(settings.PAGE_CACHE_QUERY_PARAMETERS)
