"""/topics/, /regions/ and /tags/: every subject with its published count, linked both ways."""

import pytest
from django.urls import reverse

from tests.factories import (
    PolicyOptionFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_topics_with_published_counts(client):
    aid, trade = TopicFactory(name="Aid", slug="aid"), TopicFactory(name="Trade", slug="trade")
    PublicationFactory(topics=[aid])
    PublicationFactory(topics=[aid, trade])
    PublicationFactory(topics=[trade], draft=True)
    PublicationFactory(topics=[trade], scheduled=True)

    response = client.get(reverse("publications:topics"))

    counts = {topic.slug: topic.count for topic in response.context["topics"]}
    assert counts == {"aid": 2, "trade": 1}
    assert aid.get_absolute_url() in response.content.decode()
    topic_page = client.get(aid.get_absolute_url()).content.decode()
    assert f'href="{reverse("publications:topics")}"' in topic_page


def test_regions_as_a_tree_counting_sub_regions_once(client):
    asia = RegionFactory(name="Asia", slug="asia")
    korea = RegionFactory(name="Korea", slug="korea", parent=asia)
    seoul = RegionFactory(name="Seoul", slug="seoul", parent=korea)
    RegionFactory(name="Europe", slug="europe")
    PublicationFactory(regions=[asia, korea])  # once for Asia, not twice
    PublicationFactory(regions=[seoul])
    PublicationFactory(regions=[seoul], draft=True)

    response = client.get(reverse("publications:regions"))

    roots = response.context["regions"]
    assert [(r.slug, r.count) for r in roots] == [("asia", 2), ("europe", 0)]
    assert [(r.slug, r.count) for r in roots[0].subregions] == [("korea", 2)]
    assert [(r.slug, r.count) for r in roots[0].subregions[0].subregions] == [("seoul", 1)]
    region_page = client.get(korea.get_absolute_url()).content.decode()
    assert f'href="{reverse("publications:regions")}"' in region_page


def test_tags_a_to_z_with_counts_never_draft_only(client):
    PublicationFactory(tags=["zinc", "aid"])
    PublicationFactory(tags=["aid"])
    PolicyOptionFactory(tags=["aid", "option-only"])
    PublicationFactory(tags=["secret-draft-tag"], draft=True)
    PublicationFactory(tags=["secret-scheduled-tag"], scheduled=True)
    PolicyOptionFactory(tags=["secret-option-tag"], draft=True)

    response = client.get(reverse("tags"))

    tags = [(tag["slug"], tag["count"]) for tag in response.context["tags"]]
    assert tags == [("aid", 3), ("option-only", 1), ("zinc", 1)]
    content = response.content.decode()
    assert "secret" not in content
    assert reverse("tag", args=["aid"]) in content
    tag_page = client.get(reverse("tag", args=["aid"])).content.decode()
    assert f'href="{reverse("tags")}"' in tag_page


def test_indexes_are_in_the_sitemap(client):
    PublicationFactory()

    content = client.get(reverse("sitemap")).content.decode()

    for name in ("publications:people", "publications:topics", "publications:regions", "tags"):
        assert f"http://testserver{reverse(name)}</loc>" in content
