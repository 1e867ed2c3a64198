"""The index follows every change readers could notice, and can be rebuilt from scratch."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from options.models import PolicyOption
from policyhub.search import search
from policyhub.search.models import SearchDocument, SearchFacet
from publications.models import Authorship, Publication
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


def found(query, kind=None):
    return sorted(
        (hit.kind, hit.title.replace("<mark>", "").replace("</mark>", ""))
        for hit in search(query).page
        if kind is None or hit.kind == kind
    )


def test_create_and_edit_title():
    publication = PublicationFactory(title="Maritime borders")
    assert found("maritime") == [("publication", "Maritime borders")]
    publication.title = "Land borders"
    publication.save()
    assert found("maritime") == []
    assert found("land") == [("publication", "Land borders")]


def test_publish_and_unpublish():
    publication = PublicationFactory(title="Quiet diplomacy", draft=True)
    assert found("diplomacy") == []
    publication.status = Publication.Status.PUBLISHED
    publication.save()
    assert found("diplomacy") == [("publication", "Quiet diplomacy")]
    publication.status = Publication.Status.DRAFT
    publication.save()
    assert found("diplomacy") == []


def test_delete_removes_the_document():
    publication = PublicationFactory(title="Fisheries deal", tags=["fish"])
    option = PolicyOptionFactory(title="Fisheries quota")
    person = PersonFactory(name="Fisheries Expert")
    publication.delete()
    option.delete()
    person.delete()
    assert found("fisheries") == []
    assert not SearchDocument.objects.exists()
    assert not SearchFacet.objects.exists()


def test_tag_changes_are_indexed():
    publication = PublicationFactory(title="Report")
    option = PolicyOptionFactory(title="Option")
    publication.tags.add("remittances")
    option.tags.add("remittances")
    assert found("remittances") == [("option", "Option"), ("publication", "Report")]
    publication.tags.remove("remittances")
    option.tags.clear()
    assert found("remittances") == []


def test_deleting_a_tag_unindexes_it():
    from taggit.models import Tag

    PublicationFactory(title="Report", tags=["cholera"])
    Tag.objects.get(name="cholera").delete()
    assert found("cholera") == []
    assert not SearchFacet.objects.filter(facet="tag").exists()


def test_topic_and_region_changes_are_indexed():
    publication = PublicationFactory(title="Report")
    topic = TopicFactory(name="Fertiliser")
    region = RegionFactory(name="Mekong")
    publication.topics.add(topic)
    topic.publications.add(PublicationFactory(title="Other"))  # from the other side
    publication.regions.add(region)
    assert found("fertiliser") == [("publication", "Other"), ("publication", "Report")]
    assert found("mekong") == [("publication", "Report")]
    topic.name = "Seeds"
    topic.save()
    assert found("fertiliser") == []
    assert len(found("seeds")) == 2


def test_clearing_a_topic_from_its_own_side_is_indexed():
    topic = TopicFactory(name="Fertiliser")
    topic.publications.add(PublicationFactory(title="Report"), PublicationFactory(title="Other"))
    assert len(found("fertiliser")) == 2

    topic.publications.clear()

    assert found("fertiliser") == []


@pytest.mark.parametrize("factory", [TopicFactory, RegionFactory], ids=["topic", "region"])
def test_deleting_a_topic_or_region_unindexes_its_name(factory):
    label = factory(name="Mekong")
    publication = PublicationFactory(title="Report")
    getattr(publication, "topics" if factory is TopicFactory else "regions").add(label)
    assert found("mekong") == [("publication", "Report")]

    label.delete()

    assert found("mekong") == []
    assert found("report") == [("publication", "Report")]


def test_author_added_removed_and_renamed():
    person = PersonFactory(name="Jo Lindqvist")
    publication = PublicationFactory(title="Report")
    authorship = Authorship.objects.create(publication=publication, person=person)
    assert ("publication", "Report") in found("lindqvist")
    person.name = "Jo Berg"
    person.save()
    assert found("lindqvist") == []
    assert found("berg") == [("person", "Jo Berg"), ("publication", "Report")]
    authorship.delete()
    # No published byline left: the person is no longer found either.
    assert found("berg") == []


def test_option_follows_its_question_track_and_status():
    question = PolicyQuestionFactory(title="How to reopen the border?")
    track = TrackFactory(name="Economic")
    option = PolicyOptionFactory(title="Trade fairs", question=question, track=track)
    question.title = "How to rebuild trust?"
    question.save()
    assert found("trust") == [("option", "Trade fairs")]
    track.name = "Cultural"
    track.save()
    assert found("cultural") == [("option", "Trade fairs")]
    region = RegionFactory(name="Kaesong")
    question.regions.add(region)
    assert found("kaesong", kind="option") == [("option", "Trade fairs")]
    PolicyOption.objects.filter(pk=option.pk).update(status=PolicyOption.Status.DRAFT)
    option.refresh_from_db()
    option.save()
    assert found("trade") == []


def test_people_are_indexed_by_name_role_and_bio():
    ana = PersonFactory(name="Ana Ruiz", role="Economist", bio="Writes on microfinance.")
    PublicationFactory(title="Notes", authors=[ana])
    assert found("economist") == [("person", "Ana Ruiz")]
    assert found("microfinance") == [("person", "Ana Ruiz")]


def test_rebuild_command_restores_a_lost_index(capsys):
    PublicationFactory(
        title="Seed banks",
        tags=["seeds"],
        topics=[TopicFactory()],
        authors=[PersonFactory(name="Seed Person")],
    )
    PublicationFactory(title="Seed drafts", draft=True)
    PolicyOptionFactory(title="Seed fund")
    SearchFacet.objects.all().delete()
    SearchDocument.objects.all().delete()
    assert found("seed") == []
    call_command("rebuild_search_index", "--no-progress")
    assert "Indexed 4 documents" in capsys.readouterr().out  # drafts too, never shown
    assert found("seed") == [
        ("option", "Seed fund"),
        ("person", "Seed Person"),
        ("publication", "Seed banks"),
    ]
    assert SearchFacet.objects.filter(facet="tag").count() == 1
    # Later changes are still picked up (on SQLite the rebuild re-creates the triggers).
    PublicationFactory(title="Seed vaults")
    assert ("publication", "Seed vaults") in found("seed")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 triggers")
def test_sqlite_fts_triggers_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "search_fts_ai",
        "search_fts_ad",
        "search_fts_au",
    } <= names


def test_options_need_their_question_published_too():
    from datetime import timedelta

    from django.utils import timezone

    from options.models import PolicyQuestion

    draft_question = PolicyQuestionFactory(draft=True)
    PolicyOptionFactory(title="Joint fisheries", question=draft_question)
    assert found("fisheries") == []
    draft_question.status = PolicyQuestion.Status.PUBLISHED
    draft_question.published_at = timezone.now() + timedelta(days=2)  # scheduled
    draft_question.save()
    assert found("fisheries") == []
    # The question's time passes (stored time moved with update(): no save, no signal).
    PolicyQuestion.objects.filter(pk=draft_question.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert found("fisheries") == [("option", "Joint fisheries")]


def test_bulk_updates_without_signals_cannot_leak_drafts():
    # Admin actions publish and unpublish with queryset.update(), which sends no signals.
    PublicationFactory(title="Leaky memo")
    PolicyOptionFactory(title="Leaky option")
    Publication.objects.update(status=Publication.Status.DRAFT)
    PolicyOption.objects.update(status=PolicyOption.Status.DRAFT)
    assert found("leaky") == []
    Publication.objects.update(status=Publication.Status.PUBLISHED)
    assert found("leaky") == [("publication", "Leaky memo")]


def test_publishing_with_a_bulk_update_is_found_at_once():
    option = PolicyOptionFactory(title="Quiet option", draft=True)
    assert found("quiet") == []
    PolicyOption.objects.filter(pk=option.pk).update(
        status=PolicyOption.Status.PUBLISHED, published_at=timezone.now()
    )
    assert found("quiet") == [("option", "Quiet option")]


def test_tag_merge_by_bulk_update_is_indexed():
    from taggit.models import Tag

    from publications.models import TaggedPublication

    publication = PublicationFactory(title="Report", tags=["Sanction"])
    survivor = Tag.objects.create(name="sanctions", slug="sanctions")
    old = Tag.objects.get(name="Sanction")
    # What a tag merge does: move the links with update() (no signals), delete the old tag.
    TaggedPublication.objects.filter(tag=old).update(tag=survivor)
    old.delete()
    facets = SearchFacet.objects.filter(document__object_id=publication.pk, facet="tag")
    assert list(facets.values_list("value", flat=True)) == [survivor.pk]
    assert found("sanctions") == [("publication", "Report")]


def index_contents():
    documents = {
        (d.kind, d.object_id): {
            field: getattr(d, field)
            for field in (
                "url",
                "title",
                "summary",
                "meta",
                "body",
                "published_at",
                "year",
                "type_id",
                "facet_keys",
            )
        }
        for d in SearchDocument.objects.all()
    }
    facets = sorted(
        SearchFacet.objects.values_list("document__kind", "document__object_id", "facet", "value")
    )
    return documents, facets


def test_rebuild_gives_the_same_index_as_saving_each_object():
    """rebuild() reads plain rows in bulk; what it writes must equal the per-save path's."""
    asia = RegionFactory(name="Asia")
    korea = RegionFactory(name="Korea", parent=asia)
    for n in range(3):
        publication = PublicationFactory(
            title=f"Item {n}", body=f"<p>Body &amp; <b>text</b> {n}</p>", tags=["b", "A", f"t{n}"]
        )
        publication.topics.add(TopicFactory(name=f"Topic {n}"), TopicFactory(name=f"Also {n}"))
        publication.regions.add(korea, RegionFactory(name=f"Place {n}"))
        for order, person in enumerate((PersonFactory(name=f"Zed {n}"), PersonFactory())):
            Authorship.objects.create(publication=publication, person=person, order=order)
    PublicationFactory(title="Bare", draft=True)
    PolicyOptionFactory(title="An option", tags=["A"])
    before = index_contents()
    assert len(before[0]) == 4 + 1 + 6  # publications, the option, people
    rebuilt = call_command("rebuild_search_index", "--no-progress")
    assert rebuilt is None
    assert index_contents() == before
    # New documents after a rebuild get fresh ids (the id sequence moved past the rebuilt ones).
    PublicationFactory(title="Granary")
    assert found("granary") == [("publication", "Granary")]
