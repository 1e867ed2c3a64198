from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response, kind="rss"):
    """The feed parsed as XML (so it is well formed), checked for its content type."""
    assert response.status_code == 200
    expected = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    assert response["Content-Type"].startswith(expected)
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own feed, in a test)


def item_titles(response):
    root = parse(response)
    assert root.tag == "rss" and root.get("version") == "2.0"
    return [item.findtext("title") for item in root.iter("item")]


def entry_titles(response):
    root = parse(response, "atom")
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def subjects():
    """One published publication on every subject, plus a draft, a scheduled one and one in
    review on the same subjects, and one on nothing."""
    asia = RegionFactory(slug="asia", name="Asia")
    korea = RegionFactory(slug="korea", name="Korea", parent=asia)
    person = PersonFactory(slug="ana-ruiz", name="Ana Ruiz")
    topic = TopicFactory(slug="aid", name="Aid")
    on_all = {"authors": [person], "topics": [topic], "regions": [korea], "tags": ["sanctions"]}
    live = PublicationFactory(title="Live piece", **on_all)
    hidden = [
        PublicationFactory(title="Draft piece", draft=True, **on_all),
        PublicationFactory(title="Scheduled piece", scheduled=True, **on_all),
        PublicationFactory(title="Piece in review", status="review", **on_all),
    ]
    PublicationFactory(title="Unrelated piece", tags=["other"])
    question = PolicyQuestionFactory(slug="engage", title="How to engage?")
    option = PolicyOptionFactory(question=question)
    OptionSourceFactory(option=option, publication=live)
    for publication in hidden:
        OptionSourceFactory(option=option, publication=publication)
    hidden_option = PolicyOptionFactory(question=question, draft=True)
    OptionSourceFactory(
        option=hidden_option, publication=PublicationFactory(title="Cited by a draft option")
    )
    return {"asia": asia, "korea": korea, "person": person, "topic": topic, "question": question}


def subject_feeds(subjects):
    return {
        "topic": reverse("publications:topic_feed", args=["aid"]),
        "region": reverse("publications:region_feed", args=["korea"]),
        "parent region": reverse("publications:region_feed", args=["asia"]),
        "person": reverse("publications:person_feed", args=["ana-ruiz"]),
        "tag": reverse("tag_feed", args=["sanctions"]),
        "question": reverse("options:question_feed", args=["engage"]),
    }


def test_feed_urls_are_under_their_pages(subjects):
    assert reverse("publications:feed") == "/feeds/publications/"
    assert reverse("publications:atom_feed") == "/feeds/publications/atom/"
    for name, url in subject_feeds(subjects).items():
        page = url.removesuffix("feed/")
        assert url.endswith("/feed/") and page.count("/") >= 3, name
    assert subject_feeds(subjects)["tag"] == "/tags/sanctions/feed/"
    assert subject_feeds(subjects)["question"] == "/options/questions/engage/feed/"


def test_feed_lists_the_latest_twenty_published(client):
    now = timezone.now()
    for day in range(22):
        PublicationFactory(title=f"Day {day}", published_at=now - timedelta(days=day + 1))
    PublicationFactory(title="Draft", draft=True)
    PublicationFactory(title="Scheduled", scheduled=True)
    PublicationFactory(title="In review", status="review")

    titles = item_titles(client.get(reverse("publications:feed")))
    atom_titles = entry_titles(client.get(reverse("publications:atom_feed")))

    assert titles == [f"Day {day}" for day in range(20)]
    assert atom_titles == titles


def test_old_feed_address_moved_permanently(client):
    response = client.get("/publications/feed/")

    assert response.status_code == 301
    assert response["Location"] == "/feeds/publications/"


def test_rss_items_carry_link_summary_dates_authors_and_tags(client):
    publication = PublicationFactory(
        summary="A short summary.",
        authors=[PersonFactory(name="Ana Ruiz"), PersonFactory(name="Li Wei")],
        tags=["sanctions", "aid"],
    )

    root = parse(client.get(reverse("publications:feed")))
    item = root.find("channel/item")

    assert item.findtext("link") == f"http://testserver{publication.get_absolute_url()}"
    assert item.findtext("description") == "A short summary."
    assert item.findtext("pubDate")
    assert "Ana Ruiz, Li Wei" in ElementTree.tostring(item, encoding="unicode")
    assert sorted(c.text for c in item.findall("category")) == ["aid", "sanctions"]


def test_atom_entries_carry_link_summary_dates_authors_and_tags(client):
    publication = PublicationFactory(
        summary="A short summary.", authors=[PersonFactory(name="Ana Ruiz")], tags=["sanctions"]
    )

    root = parse(client.get(reverse("publications:atom_feed")), "atom")
    entry = root.find(f"{ATOM}entry")

    assert root.findtext(f"{ATOM}subtitle").startswith("The newest research")
    assert root.find(f"{ATOM}author/{ATOM}name").text == "PolicyHub"
    link = entry.find(f"{ATOM}link[@rel='alternate']")
    assert link.get("href") == f"http://testserver{publication.get_absolute_url()}"
    assert entry.findtext(f"{ATOM}summary") == "A short summary."
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ana Ruiz"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["sanctions"]


def test_subject_feeds_list_only_their_published_publications(client, subjects):
    for name, url in subject_feeds(subjects).items():
        assert item_titles(client.get(url)) == ["Live piece"], name
        assert entry_titles(client.get(f"{url}atom/")) == ["Live piece"], name


def test_subject_feed_titles_name_the_subject(client, subjects):
    for url, title in [
        (reverse("publications:topic_feed", args=["aid"]), "PolicyHub: Aid"),
        (reverse("publications:region_feed", args=["korea"]), "PolicyHub: Korea"),
        (reverse("publications:person_feed", args=["ana-ruiz"]), "PolicyHub: Ana Ruiz"),
        (reverse("tag_feed", args=["sanctions"]), "PolicyHub: sanctions"),
        (reverse("options:question_feed", args=["engage"]), "PolicyHub: How to engage?"),
    ]:
        assert parse(client.get(url)).findtext("channel/title") == title, url


def test_unknown_and_hidden_subjects_have_no_feed(client, subjects):
    PublicationFactory(draft=True, tags=["draft-only"])
    PolicyQuestionFactory(slug="draft-question", draft=True)
    for url in [
        "/topics/nope/feed/",
        "/regions/nope/feed/",
        "/people/nope/feed/",
        "/tags/nope/feed/",
        "/tags/draft-only/feed/",
        "/tags/draft-only/feed/atom/",
        "/options/questions/nope/feed/",
        "/options/questions/draft-question/feed/",
        "/options/questions/draft-question/feed/atom/",
    ]:
        assert client.get(url).status_code == 404, url


def test_pages_advertise_their_feeds(client, subjects):
    pages = {
        reverse("home"): reverse("publications:feed"),
        reverse("publications:list"): reverse("publications:feed"),
        subjects["topic"].get_absolute_url(): subject_feeds(subjects)["topic"],
        subjects["korea"].get_absolute_url(): subject_feeds(subjects)["region"],
        subjects["person"].get_absolute_url(): subject_feeds(subjects)["person"],
        reverse("tag", args=["sanctions"]): subject_feeds(subjects)["tag"],
        subjects["question"].get_absolute_url(): subject_feeds(subjects)["question"],
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert 'rel="alternate" type="application/rss+xml" title="' in html, page
        assert f'href="{feed}"' in html, page
        main = reverse("publications:feed")
        atom = reverse("publications:atom_feed") if feed == main else f"{feed}atom/"
        assert 'rel="alternate" type="application/atom+xml"' in html, page
        assert f'href="{atom}"' in html, page
        # The advertised feeds work.
        assert client.get(feed).status_code == 200, feed
        assert client.get(atom).status_code == 200, atom


def test_a_publication_page_names_the_site_feed_in_its_head(client):
    publication = PublicationFactory()

    html = client.get(publication.get_absolute_url()).content.decode()

    head = html.split("</head>")[0]
    feed, atom = reverse("publications:feed"), reverse("publications:atom_feed")
    assert f'type="application/rss+xml" title="Latest publications (RSS)" href="{feed}">' in head
    assert f'type="application/atom+xml" title="Latest publications (Atom)" href="{atom}">' in head


def test_feeds_have_a_fixed_query_budget(client, django_assert_max_num_queries, subjects):
    for n in range(15):
        PublicationFactory(
            authors=[subjects["person"], PersonFactory()],
            topics=[subjects["topic"]],
            regions=[subjects["korea"]],
            tags=["sanctions", f"tag-{n}"],
        )
    # Each feed's own queries, plus one for the site settings (the feed's title).
    budgets = {
        reverse("publications:feed"): 4 + 1,
        reverse("publications:atom_feed"): 4 + 1,
        subject_feeds(subjects)["topic"]: 5 + 1,
        subject_feeds(subjects)["person"]: 5 + 1,
        # A region looks up its sub-regions, one query per level.
        subject_feeds(subjects)["parent region"]: 8 + 1,
        # live_tags() is one query with two subqueries.
        subject_feeds(subjects)["tag"]: 5 + 1,
        subject_feeds(subjects)["question"]: 5 + 1,
    }
    # Saving the scheduled piece left the next go-live time to be asked again: once, by
    # whichever request comes first, not by each feed.
    client.get(reverse("home"))
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


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
    atom = client.get(reverse("publications:atom_feed"))
    assert entry_titles(atom) == ["Verticaltab"]


def test_feeds_under_an_old_slug_move_with_their_page(client):
    topic = TopicFactory(slug="old-aid")
    person = PersonFactory(slug="old-ana")
    PublicationFactory(topics=[topic], authors=[person])
    topic.slug, person.slug = "aid", "ana"
    topic.save()
    person.save()

    for old, new in [
        ("/topics/old-aid/feed/", "/topics/aid/feed/"),
        ("/topics/old-aid/feed/atom/", "/topics/aid/feed/atom/"),
        ("/people/old-ana/feed/", "/people/ana/feed/"),
    ]:
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new


@pytest.mark.parametrize(
    "feed, path",
    [
        ("publications:feed", "channel/item/description"),
        ("publications:atom_feed", f"{ATOM}entry/{ATOM}summary"),
    ],
)
def test_a_plain_text_summary_is_sent_as_text(client, feed, path):
    # Feed readers read a description (and an Atom summary of type html) as HTML: "<b>" in a
    # plain-text summary must reach them as the characters, escaped once more.
    PublicationFactory(summary="Why <b>sanctions</b> & tariffs fail")

    root = parse(client.get(reverse(feed)), "atom" if "atom" in feed else "rss")

    assert root.findtext(path) == "Why &lt;b&gt;sanctions&lt;/b&gt; &amp; tariffs fail"
