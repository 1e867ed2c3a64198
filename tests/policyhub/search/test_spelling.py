""" "Did you mean": typos corrected from the index's own words, on both databases."""

import pytest
from django.urls import reverse

from policyhub.search.indexing import rebuild
from policyhub.search.models import SearchWord
from policyhub.search.spelling import distance
from tests.factories import PublicationFactory, SynonymFactory

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


def corrected(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response.context.get("corrected"), response


@pytest.fixture
def korea(db):
    PublicationFactory(
        title="Making sense of North Korea's missile test",
        body="<p>Why sanctions relief is on the table again.</p>",
    )
    PublicationFactory(title="Sanctions relief for North Korea, step by step")


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [("nort korea", "north korea"), ("sanctoins relief", "sanctions relief")],
)
def test_typo_is_corrected_shown_and_followed(client, korea, typo, fixed):
    suggestion, response = corrected(client, typo)
    assert response.context["results"].total == 0
    assert suggestion == fixed
    content = response.content.decode()
    assert "Did you mean" in content
    link = response.context["corrected_url"]
    assert f'href="{link}"' in content
    followed = client.get(URL + link)
    assert followed.context["results"].total == 2
    assert followed.context.get("corrected") is None


@pytest.mark.parametrize(
    ("typo", "fixed"), [("goverment sanctions", "government sanctions"), ("missle", "missile")]
)
def test_the_texts_own_word_is_offered_not_a_stem(client, korea, typo, fixed):
    PublicationFactory(title="What the government says about sanctions")
    assert corrected(client, typo)[0] == fixed


def test_known_words_and_filters_are_kept(client, korea):
    suggestion, response = corrected(client, "Nort Korea", kind="publication")
    assert suggestion == "North Korea"
    assert "kind=publication" in response.context["corrected_url"]


def test_nothing_offered_when_the_query_finds_enough(client, korea):
    PublicationFactory(title="North Korea at the table")
    assert corrected(client, "north korea")[0] is None


def test_nothing_offered_without_a_close_word(client, korea):
    assert corrected(client, "zebra xylophone")[0] is None


def test_words_only_a_draft_holds_are_never_offered(client, korea):
    PublicationFactory(title="Secret merger plans", draft=True)
    PublicationFactory(title="Scheduled merger talks", scheduled=True)
    assert corrected(client, "mergers")[0] is None
    assert corrected(client, "merher")[0] is None


def test_synonyms_keep_working(client, korea):
    SynonymFactory(terms="DPRK, North Korea")
    suggestion, response = corrected(client, "dprk")
    assert response.context["results"].total == 2
    assert suggestion is None
    # A synonym's own word is not "corrected" into an indexed one.
    assert corrected(client, "dprk missle")[0] == "dprk missile"


def test_query_budget_is_bounded_by_the_words_kept(client, korea, django_assert_max_num_queries):
    long_query = " ".join(f"qwer{letter}" for letter in "abcdefghijklmnopqrstuvwxyz")
    # 12 words (MAX_TERMS) checked, two or three queries each, plus the page's own.
    with django_assert_max_num_queries(50):
        assert corrected(client, long_query)[0] is None
    with django_assert_max_num_queries(20):
        assert corrected(client, "nort korea")[0] == "north korea"


@pytest.mark.parametrize("q", ['"nort korea"', "-nort korea", "nort OR korea", "%_\\", "é" * 300])
def test_odd_queries_are_harmless(client, korea, q):
    corrected(client, q)


def test_distance_counts_a_transposition_as_one():
    assert distance("sanctoins", "sanctions", 2) == 1
    assert distance("nort", "north", 1) == 1
    assert distance("zebra", "north", 1) == 2


def vocabulary(*words):
    return dict(SearchWord.objects.filter(word__in=words).values_list("word", "titles"))


def test_the_vocabulary_follows_every_save_and_delete():
    first = PublicationFactory(title="Zanzibar accord")
    second = PublicationFactory(title="Zanzibar and the accord, the Zanzibar way")
    assert vocabulary("zanzibar", "accord", "way") == {"zanzibar": 2, "accord": 2, "way": 1}
    first.title = "Harbour accord"
    first.save()
    assert vocabulary("zanzibar", "harbour") == {"zanzibar": 1, "harbour": 1}
    second.delete()
    assert vocabulary("zanzibar", "accord", "way") == {"accord": 1}


def test_rebuild_counts_the_vocabulary_again(client, korea):
    SearchWord.objects.all().delete()
    assert corrected(client, "nort korea")[0] is None
    rebuild(progress=True)
    assert vocabulary("north", "sanctions") == {"north": 2, "sanctions": 1}
    assert corrected(client, "nort korea")[0] == "north korea"
