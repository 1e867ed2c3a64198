"""Visit every public URL and prove that draft and scheduled publications never reach readers."""

import pytest
from django.urls import reverse

from tests.factories import (
    PersonFactory,
    PublicationFactory,
    PublicationTypeFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

SECRET_TITLES = ["Zebra draft about embargoes", "Quokka scheduled exposé"]


def test_unpublished_publications_never_appear(client):
    shared_topic = TopicFactory(slug="shared-topic")
    asia = RegionFactory(slug="asia")
    north_korea = RegionFactory(slug="north-korea", parent=asia)
    author = PersonFactory(slug="shared-author")
    live = PublicationFactory(
        title="Published piece",
        authors=[author],
        topics=[shared_topic],
        regions=[north_korea],
        tags=["shared-tag"],
    )
    secret_topic = TopicFactory(slug="secret-topic")
    secret_person = PersonFactory(slug="secret-person")
    secret_type = PublicationTypeFactory(name="Secret type", slug="secret-type")
    secrets = [
        PublicationFactory(
            title=title,
            featured=True,
            publication_type=secret_type,
            authors=[author, secret_person],
            topics=[shared_topic, secret_topic],
            regions=[north_korea],
            tags=["shared-tag", "secret-tag"],
            related=[live],
            **state,
        )
        for title, state in zip(SECRET_TITLES, [{"draft": True}, {"scheduled": True}], strict=True)
    ]
    # A published piece that names the secrets as related reading must not show them either.
    live_with_links = PublicationFactory(
        title="Links to secrets", tags=["shared-tag"], related=secrets
    )

    list_url = reverse("publications:list")
    secret_tag_url = reverse("tag", args=["secret-tag"])
    filters = [
        {"type": "secret-type"},
        {"topic": "shared-topic"},
        {"topic": "secret-topic"},
        {"region": "asia"},
        {"tag": "shared-tag"},
        {"tag": "secret-tag"},
        {"author": "shared-author"},
        {"author": "secret-person"},
        {"year": str(live.published_at.year)},
        {"year": str(secrets[1].published_at.year)},
    ]
    urls = [
        reverse("home"),
        list_url,
        *[f"{list_url}?{'&'.join(f'{k}={v}' for k, v in f.items())}" for f in filters],
        live.get_absolute_url(),
        live_with_links.get_absolute_url(),
        author.get_absolute_url(),
        secret_person.get_absolute_url(),
        shared_topic.get_absolute_url(),
        secret_topic.get_absolute_url(),
        asia.get_absolute_url(),
        north_korea.get_absolute_url(),
        reverse("tag", args=["shared-tag"]),
        reverse("publications:feed"),
        reverse("publications:topic_feed", args=["shared-topic"]),
        reverse("publications:topic_feed", args=["secret-topic"]),
        reverse("sitemap"),
        "/robots.txt",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for secret in secrets:
            assert secret.title not in content, url
            assert secret.get_absolute_url() not in content, url
        assert secret_tag_url not in content, url
        assert ">secret-tag<" not in content, url

    # The live pages really were rendered with content (the checks above are not vacuous).
    assert "Published piece" in client.get(list_url).content.decode()
    for secret in secrets:
        assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(secret_tag_url).status_code == 404
    # Asking for the draft-only tag reads exactly like asking for a tag that does not exist.
    assert (
        "No tag called “secret-tag”." in client.get(f"{list_url}?tag=secret-tag").content.decode()
    )
