import re
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from publications.models import Publication
from tests.factories import (
    PersonFactory,
    PolicyOptionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_sitemap_lists_published_content_only(client):
    person, topic, region = PersonFactory(), TopicFactory(), RegionFactory()
    live = PublicationFactory(authors=[person], topics=[topic], regions=[region], tags=["aid"])
    hidden_person, hidden_topic = PersonFactory(), TopicFactory()
    draft = PublicationFactory(
        authors=[hidden_person], topics=[hidden_topic], tags=["x"], draft=True
    )
    scheduled = PublicationFactory(scheduled=True)

    response = client.get(reverse("sitemap"))
    xml = response.content.decode()

    assert response.status_code == 200
    for url in [
        reverse("home"),
        reverse("publications:list"),
        reverse("options:list"),
        live.get_absolute_url(),
        person.get_absolute_url(),
        topic.get_absolute_url(),
        region.get_absolute_url(),
        reverse("tag", args=["aid"]),
    ]:
        assert f"<loc>http://testserver{url}</loc>" in xml
    for url in [
        draft.get_absolute_url(),
        scheduled.get_absolute_url(),
        hidden_person.get_absolute_url(),
        hidden_topic.get_absolute_url(),
        reverse("tag", args=["x"]),
    ]:
        assert url not in xml


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_sitemap_lists_visible_options_and_questions_only(client):
    live = PolicyOptionFactory()
    hidden = PolicyOptionFactory(draft=True)

    body = client.get(reverse("sitemap")).content.decode()

    assert live.get_absolute_url() in body
    assert live.question.get_absolute_url() in body
    assert hidden.get_absolute_url() not in body


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_entries(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own sitemap, in a test)
    return {
        url.findtext(f"{SITEMAP_NS}loc").removeprefix("http://testserver"): url.findtext(
            f"{SITEMAP_NS}lastmod"
        )
        for url in root.iter(f"{SITEMAP_NS}url")
    }


def test_every_sitemap_url_has_a_lastmod(client):
    person, topic, region = PersonFactory(), TopicFactory(), RegionFactory()
    PublicationFactory(authors=[person], topics=[topic], regions=[region], tags=["aid"])
    option = PolicyOptionFactory(tags=["talks"])

    entries = sitemap_entries(client)

    # 3 listings, 4 subject indexes, a publication, its person, topic and region, 2 tags, a
    # question and its option
    assert len(entries) == 15
    for url in [reverse("tag", args=["talks"]), option.get_absolute_url()]:
        assert url in entries
    for url, lastmod in entries.items():
        assert lastmod and re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod), url


def test_lastmod_of_a_subject_is_its_newest_published_change(client):
    topic = TopicFactory()
    old = PublicationFactory(topics=[topic], tags=["aid"])
    newer = PublicationFactory(topics=[topic], tags=["aid"])
    draft = PublicationFactory(topics=[topic], tags=["aid"], draft=True)
    Publication.objects.filter(pk=old.pk).update(updated_at=datetime(2024, 1, 2, tzinfo=UTC))
    Publication.objects.filter(pk=newer.pk).update(updated_at=datetime(2025, 6, 7, tzinfo=UTC))
    # An edit to a draft must not show in the sitemap: it would reveal that the draft exists.
    Publication.objects.filter(pk=draft.pk).update(updated_at=datetime(2026, 9, 9, tzinfo=UTC))

    entries = sitemap_entries(client)

    assert entries[topic.get_absolute_url()] == "2025-06-07"
    assert entries[reverse("tag", args=["aid"])] == "2025-06-07"
    assert entries[reverse("publications:list")] == "2025-06-07"
    assert entries[old.get_absolute_url()] == "2024-01-02"
    assert draft.get_absolute_url() not in entries


def test_regions_above_a_tagged_region_are_listed_with_its_newest_change(client):
    asia = RegionFactory(slug="asia")
    east_asia = RegionFactory(slug="east-asia", parent=asia)
    korea = RegionFactory(slug="korean-peninsula", parent=east_asia)
    europe = RegionFactory(slug="europe")
    RegionFactory(slug="baltics", parent=europe)  # nothing published below Europe
    older = PublicationFactory(regions=[korea])
    newer = PublicationFactory(regions=[east_asia])
    Publication.objects.filter(pk=older.pk).update(updated_at=datetime(2024, 1, 2, tzinfo=UTC))
    Publication.objects.filter(pk=newer.pk).update(updated_at=datetime(2025, 6, 7, tzinfo=UTC))
    PublicationFactory(regions=[europe], draft=True)

    entries = sitemap_entries(client)

    assert entries[korea.get_absolute_url()] == "2024-01-02"
    assert entries[east_asia.get_absolute_url()] == "2025-06-07"
    assert entries[asia.get_absolute_url()] == "2025-06-07"
    assert europe.get_absolute_url() not in entries
    assert reverse("publications:region", args=["baltics"]) not in entries
