import pytest
from django.urls import reverse

from tests.factories import PolicyOptionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_tag_page_lists_published_publications(client):
    PublicationFactory(title="Tagged", tags=["North Korea"])
    PublicationFactory(title="Tagged draft", tags=["North Korea"], draft=True)
    PublicationFactory(title="Other", tags=["elections"])

    response = client.get(reverse("tag", args=["north-korea"]))

    assert response.status_code == 200
    assert [p.title for p in response.context["publications"]] == ["Tagged"]
    assert "<h1>North Korea</h1>" in response.content.decode()


def test_tag_used_only_by_unpublished_content_is_404(client):
    PublicationFactory(tags=["embargoed"], draft=True)
    PublicationFactory(tags=["embargoed"], scheduled=True)

    assert client.get(reverse("tag", args=["embargoed"])).status_code == 404


def test_unknown_tag_is_404(client):
    assert client.get(reverse("tag", args=["nope"])).status_code == 404


def test_tag_page_is_paginated(client):
    for _ in range(21):
        PublicationFactory(tags=["sanctions"])
    url = reverse("tag", args=["sanctions"])

    assert len(client.get(url).context["publications"]) == 20
    assert len(client.get(url, {"page": 2}).context["publications"]) == 1
    assert client.get(url, {"page": 3}).status_code == 404


def test_tag_used_only_by_a_published_option_has_a_page_listing_it(client):
    PolicyOptionFactory(title="Open liaison offices", tags=["liaison"])

    response = client.get(reverse("tag", args=["liaison"]))

    assert response.status_code == 200
    assert "Open liaison offices" in response.content.decode()


def test_tag_used_only_by_hidden_options_is_404(client):
    PolicyOptionFactory(tags=["secret-plan"], draft=True)
    PolicyOptionFactory(tags=["secret-plan"], scheduled=True)
    PolicyOptionFactory(tags=["secret-plan"], question__draft=True)

    assert client.get(reverse("tag", args=["secret-plan"])).status_code == 404


@pytest.mark.parametrize("name", ["Côte d'Ivoire", "朝鲜", "!!!", "🕊️"])
def test_tag_named_in_any_script_or_without_letters_links_everywhere(client, name):
    # Regression: such tags got slugs the ASCII-only URL pattern could not reverse, and every
    # page listing them was a 500.
    publication = PublicationFactory(title="Tagged piece", tags=[name])
    option = PolicyOptionFactory(tags=[name])
    tag = publication.tags.get()

    for url in [
        reverse("home"),
        reverse("publications:list"),
        publication.get_absolute_url(),
        reverse("options:list"),
        option.get_absolute_url(),
        reverse("sitemap"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert reverse("tag", args=[tag.slug]) in response.content.decode(), url

    response = client.get(reverse("tag", args=[tag.slug]))
    assert response.status_code == 200
    assert "Tagged piece" in response.content.decode()
