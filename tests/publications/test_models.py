from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from publications.models import Publication
from tests.factories import PersonFactory, PublicationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_scheduled():
    live = PublicationFactory()
    PublicationFactory(draft=True)
    PublicationFactory(scheduled=True)

    assert list(Publication.objects.published()) == [live]


def test_scheduled_publication_appears_at_its_publish_time():
    scheduled = PublicationFactory(scheduled=True)

    assert scheduled not in Publication.objects.published()
    assert scheduled in Publication.objects.published(at=timezone.now() + timedelta(days=8))


def test_publishing_without_a_time_sets_it_to_now():
    publication = PublicationFactory(draft=True)
    publication.status = Publication.Status.PUBLISHED
    publication.save()

    assert publication.published_at is not None
    assert publication.is_published


def test_body_is_sanitised_on_save_even_without_a_form():
    publication = PublicationFactory(
        body='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a></p>'
    )
    publication.refresh_from_db()

    assert "<script" not in publication.body
    assert "onclick" not in publication.body
    assert "javascript:" not in publication.body
    assert "Hi" in publication.body


def test_tags_are_case_insensitive():
    first = PublicationFactory(tags=["Sanctions"])
    second = PublicationFactory(tags=["sanctions"])

    assert list(first.tags.values_list("pk", flat=True)) == list(
        second.tags.values_list("pk", flat=True)
    )


def test_region_cannot_be_its_own_ancestor():
    asia = RegionFactory(name="Asia")
    korea = RegionFactory(name="North Korea", parent=asia)
    asia.parent = korea

    with pytest.raises(ValidationError):
        asia.full_clean()


def test_region_descendants_include_nested_regions():
    asia = RegionFactory()
    korea = RegionFactory(parent=asia)
    pyongyang = RegionFactory(parent=korea)
    RegionFactory()

    assert asia.descendant_ids() == {asia.pk, korea.pk, pyongyang.pk}


def test_slug_of_a_fixed_url_is_refused():
    publication = PublicationFactory.build(slug="feed")

    with pytest.raises(ValidationError) as error:
        publication.full_clean(exclude=["publication_type"])

    assert "slug" in error.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
    ],
)
def test_a_url_with_a_script_scheme_is_not_stored(url):
    # Regression: objects.create() skips form validation, and the link rendered as given.
    publication = PublicationFactory(source_url=url)
    person = PersonFactory(link=url)

    publication.refresh_from_db()
    person.refresh_from_db()
    assert publication.source_url == ""
    assert person.link == ""


@pytest.mark.parametrize(
    "url", ["https://www.38north.org/2024/01/a/", "http://example.org", "www.38north.org"]
)
def test_ordinary_urls_are_stored_as_given(url):
    publication = PublicationFactory(source_url=url)

    publication.refresh_from_db()
    assert publication.source_url == url


def test_publish_keeps_a_future_publish_time_and_unpublish_hides():
    scheduled = PublicationFactory(draft=True)
    scheduled.published_at = timezone.now() + timedelta(days=3)
    scheduled.publish()

    assert scheduled.is_scheduled
    assert scheduled not in Publication.objects.published()

    live = PublicationFactory(draft=True)
    live.publish()
    assert live in Publication.objects.published()

    live.unpublish()
    assert live not in Publication.objects.published()
