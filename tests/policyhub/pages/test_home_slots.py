"""The home page's curated slots: their order and overrides, hidden targets leaving no gap and no
trace, scheduled targets appearing at their time, and the page cache retired by a slot change."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from policyhub.pages.models import HomeSlot
from tests.factories import (
    HomeSlotFactory,
    PageFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    image_file,
)

pytestmark = pytest.mark.django_db


def featured_block(response):
    html = response.content.decode()
    if 'id="featured-title"' not in html:
        return ""
    return html.split('id="featured-title"')[1].split("</section>")[0]


def slot_titles(response):
    return [slot.shown_title for slot in response.context["slots"]]


def test_slots_show_in_order_with_their_overrides(client):
    publication = PublicationFactory(title="Annual report", summary="The year in review.")
    option = PolicyOptionFactory(title="Open a liaison office")
    question = PolicyQuestionFactory(title="How to engage?", summary="The question's summary.")
    page = PageFactory(title="About", slug="about")
    HomeSlotFactory(order=3, page=page, summary="Who we are, in a line.")
    HomeSlotFactory(order=1, publication=publication)
    HomeSlotFactory(order=2, option=option, title="A liaison office now")
    HomeSlotFactory(order=4, question=question)

    response = client.get(reverse("home"))

    assert slot_titles(response) == [
        "Annual report",
        "A liaison office now",
        "About",
        "How to engage?",
    ]
    block = featured_block(response)
    for href in [
        publication.get_absolute_url(),
        option.get_absolute_url(),
        "/about/",
        question.get_absolute_url(),
    ]:
        assert f'href="{href}"' in block
    assert "The year in review." in block
    assert "Who we are, in a line." in block
    assert "What this page is about." not in block  # the page's own summary, overridden
    assert "The question&#x27;s summary." in block
    assert "Policy option" in block and "Policy question" in block
    assert block.index("Annual report") < block.index("A liaison office now")
    assert "Open a liaison office" not in block


def test_a_slotted_publication_is_not_repeated_in_the_latest(client):
    now = timezone.now()
    lead = PublicationFactory(title="Lead story", published_at=now - timedelta(days=3))
    PublicationFactory(title="Newest", published_at=now - timedelta(hours=1))
    HomeSlotFactory(publication=lead)

    response = client.get(reverse("home"))

    assert [p.title for p in response.context["latest"]] == ["Newest"]
    assert "Lead story" in featured_block(response)


def test_without_slots_there_is_no_featured_block(client):
    PublicationFactory(title="Only latest")

    response = client.get(reverse("home"))

    assert 'id="featured-title"' not in response.content.decode()
    assert [p.title for p in response.context["latest"]] == ["Only latest"]


HIDDEN = ["draft", "in_review", "scheduled", "unpublished"]


@pytest.mark.parametrize("state", HIDDEN)
def test_slots_of_hidden_targets_disappear_without_a_gap(client, state):
    HomeSlotFactory(publication=PublicationFactory(title="Live first"))
    HomeSlotFactory(publication=PublicationFactory(title="Secret report", **{state: True}))
    HomeSlotFactory(option=PolicyOptionFactory(title="Secret option", **{state: True}))
    if state != "scheduled":  # the question factory has no scheduled trait
        question = PolicyQuestionFactory(title="Secret question", **{state: True})
        HomeSlotFactory(question=question)
        # An option readers cannot reach: its question is hidden.
        HomeSlotFactory(option=PolicyOptionFactory(title="Orphan option", question=question))
    HomeSlotFactory(page=PageFactory(title="Secret page", slug="secret", **{state: True}))
    hidden_parent = PageFactory(title="Hidden parent", slug="parent", **{state: True})
    HomeSlotFactory(page=PageFactory(title="Child page", slug="child", parent=hidden_parent))
    HomeSlotFactory(
        publication=PublicationFactory(**{state: True}), title="Overridden secret title"
    )
    HomeSlotFactory(page=PageFactory(title="Live last"))

    response = client.get(reverse("home"))

    assert slot_titles(response) == ["Live first", "Live last"]
    html = response.content.decode()
    assert html.count("<li><article") == 2 + len(response.context["latest"])
    for secret in ["Secret", "Orphan option", "Hidden parent", "Child page", "/secret/", "/child/"]:
        assert secret not in html


def _travel(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True


@pytest.mark.parametrize("target", ["publication", "option", "page"])
def test_a_scheduled_target_appears_at_its_publish_time(client, page_cache_on, target):
    now = timezone.now()
    at = now + timedelta(minutes=10)
    make = {
        "publication": PublicationFactory,
        "option": PolicyOptionFactory,
        "page": PageFactory,
    }[target]
    HomeSlotFactory(**{target: make(published_at=at)}, title="Out at ten past")
    url = reverse("home")

    with _travel(now):
        assert b"Out at ten past" not in client.get(url).content
        assert client.get(url)["X-Cache"] == "hit"
    with _travel(at - timedelta(seconds=2)):
        assert client.get(url)["X-Cache"] == "hit"
    with _travel(at):
        response = client.get(url)
        assert response["X-Cache"] == "miss"
        assert b"Out at ten past" in response.content


def test_a_slot_change_retires_the_cached_home_page(client, page_cache_on):
    publication = PublicationFactory(title="Annual report")
    url = reverse("home")
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"

    slot = HomeSlotFactory(publication=publication, title="Read the annual report")
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert "Read the annual report" in featured_block(response)

    assert client.get(url)["X-Cache"] == "hit"
    slot.title = "The year, reviewed"
    slot.save()
    assert "The year, reviewed" in featured_block(client.get(url))

    HomeSlot.objects.get(pk=slot.pk).delete()
    assert featured_block(client.get(url)) == ""


def test_a_slot_image_replaces_the_publication_hero(client):
    publication = PublicationFactory(
        title="Pictured", hero_image=image_file("hero.png"), hero_alt="The hero"
    )
    HomeSlotFactory(publication=publication)
    HomeSlotFactory(page=PageFactory(hero_image=image_file("p.png"), hero_alt="The page hero"))
    page_slot = HomeSlotFactory(
        page=PageFactory(), image=image_file("slot.png", size=(600, 400)), image_alt="A harbour"
    )

    block = featured_block(client.get(reverse("home")))

    assert 'alt="The hero"' in block
    assert 'alt="The page hero"' in block
    assert 'alt="A harbour"' in block
    page_slot.refresh_from_db()
    assert page_slot.image_renditions["jpeg"]
    assert page_slot.image.name.startswith("home/")


@pytest.mark.parametrize(
    "targets",
    [{}, {"publication": True, "page": True}, {"option": True, "question": True}],
    ids=["none", "publication-and-page", "option-and-question"],
)
def test_a_slot_has_exactly_one_target(targets):
    values = {}
    if targets.get("publication"):
        values["publication"] = PublicationFactory()
    if targets.get("page"):
        values["page"] = PageFactory()
    if targets.get("option"):
        values["option"] = PolicyOptionFactory()
    if targets.get("question"):
        values["question"] = PolicyQuestionFactory()
    slot = HomeSlot(**values)

    with pytest.raises(ValidationError, match="exactly one target"):
        slot.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        slot.save()


def test_an_image_needs_alt_text():
    slot = HomeSlot(page=PageFactory(), image=image_file("slot.png"))

    with pytest.raises(ValidationError) as caught:
        slot.full_clean()

    assert "image_alt" in caught.value.message_dict


def test_the_admin_lists_slots_and_says_which_are_on_the_home_page(admin_client):
    HomeSlotFactory(publication=PublicationFactory(title="Live piece"))
    HomeSlotFactory(publication=PublicationFactory(title="Draft piece", draft=True))

    response = admin_client.get(reverse("admin:pages_homeslot_changelist"))

    assert response.status_code == 200
    rows = {slot.target.title: slot.visible for slot in response.context["cl"].result_list}
    assert rows == {"Live piece": True, "Draft piece": False}
    for kind in ["publication", "option", "question", "page"]:
        filtered = admin_client.get(reverse("admin:pages_homeslot_changelist"), {"kind": kind})
        assert filtered.status_code == 200
        assert len(filtered.context["cl"].result_list) == (2 if kind == "publication" else 0)


def test_the_admin_refuses_a_slot_with_two_targets(admin_client):
    publication, page = PublicationFactory(), PageFactory()
    url = reverse("admin:pages_homeslot_add")
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"order": 0, "publication": publication.pk, "page": page.pk})

    assert response.status_code == 200
    assert "Choose exactly one target" in response.content.decode()
    assert not HomeSlot.objects.exists()

    response = admin_client.post(url, {"order": 0, "page": page.pk, "title": "Who we are"})

    assert response.status_code == 302
    assert HomeSlot.objects.get().page == page


def test_home_queries_do_not_grow_with_slots(client):
    def add(n):
        for _ in range(n):
            HomeSlotFactory(publication=PublicationFactory(hero_image=image_file("h.png")))
            HomeSlotFactory(option=PolicyOptionFactory())
            HomeSlotFactory(question=PolicyQuestionFactory())
            HomeSlotFactory(page=PageFactory(parent=PageFactory()))

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("home"))
        assert response.status_code == 200
        return len(captured), len(response.context["slots"])

    add(1)
    few, shown_few = count()
    add(2)
    many, shown_many = count()

    assert (shown_few, shown_many) == (4, 12)
    assert many == few
