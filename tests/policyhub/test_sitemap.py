import pytest
from django.urls import reverse

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
