"""Every public page runs a fixed number of queries, whether it shows 3 items or 30.

Budgets include the "policy options" block on publication, topic, region and tag pages.
"""

import copy
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    HomeSlotFactory,
    LibraryImageFactory,
    PersonFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    image_file,
    made_for_module,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=[3, 30], ids=["3-items", "30-items"])
def module_content(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The items, made once per size for the module (30 take seconds of factories and images)."""
    root = tmp_path_factory.mktemp("page-budgets")
    with made_for_module(lambda: make_content(request.param), django_db_blocker, root) as made:
        yield made


@pytest.fixture
def content(module_content):
    # Each test its own copy of the instances, as they were made (what setUpTestData does).
    return copy.deepcopy(module_content)


def make_content(count):
    topic = TopicFactory(slug="aid")
    asia = RegionFactory(slug="asia")
    north_korea = RegionFactory(slug="north-korea", parent=asia)
    author = PersonFactory(slug="ana")
    publications = [
        PublicationFactory(
            published_at=timezone.now() - timedelta(hours=n + 1),
            authors=[author, PersonFactory()],
            topics=[topic, TopicFactory()],
            regions=[north_korea, RegionFactory()],
            tags=["sanctions", f"tag-{n}"],
        )
        for n in range(count)
    ]
    # Home page slots (every kind: tests/policyhub/pages/test_home_slots.py).
    for publication in publications[::2]:
        HomeSlotFactory(publication=publication)
    main = publications[0]
    # Figures in the body: one query for their images, however many (editorial/rendering.py).
    figures = [LibraryImageFactory(image=image_file()) for _ in range(count // 3)]
    main.body = "".join(f'<p>Text</p><figure data-image="{f.pk}"></figure>' for f in figures)
    main.save()
    for n, other in enumerate(publications[1:3]):
        main.related_links.create(to_publication=other, order=n)
    return {"main": main, "topic": topic, "region": asia, "author": author}


# The header and footer menus: one query on an HTML page, then kept in the data cache.
MENUS = 1
# The site settings (name, logo, footer, share image): one query on an HTML page or a feed,
# then kept in the data cache (tests/policyhub/editorial/test_site_settings.py).
SITE = 1

PAGES = [
    ("home", lambda c: reverse("home"), 6 + MENUS + SITE),
    ("list", lambda c: reverse("publications:list"), 12 + MENUS + SITE),
    (
        "list-filtered",
        lambda c: (
            reverse("publications:list")
            + "?topic=aid&region=asia&tag=sanctions&author=ana&type=analysis-and-commentary"
        ),
        19 + MENUS + SITE,
    ),
    # With the data cache off (as here): whether it is published, then the publication with its
    # relations (publications/views.py), attached documents, the body's figures and the related
    # cards' authors; with the cache warm, the first query only.
    ("detail", lambda c: c["main"].get_absolute_url(), 14 + MENUS + SITE),
    # With the person's expertise and profile links, and the options their work argues for.
    ("person", lambda c: c["author"].get_absolute_url(), 9 + MENUS + SITE),
    ("topic", lambda c: c["topic"].get_absolute_url(), 7 + MENUS + SITE),
    ("region", lambda c: c["region"].get_absolute_url(), 12 + MENUS + SITE),
    ("tag", lambda c: reverse("tag", args=["sanctions"]), 7 + MENUS + SITE),
    ("feed", lambda c: reverse("publications:feed"), 4 + SITE),
    ("atom-feed", lambda c: reverse("publications:atom_feed"), 4 + SITE),
    ("topic-feed", lambda c: reverse("publications:topic_feed", args=["aid"]), 5 + SITE),
    (
        "person-feed",
        lambda c: reverse("publications:person_feed", args=[c["author"].slug]),
        5 + SITE,
    ),
    (
        "region-feed",
        lambda c: reverse("publications:region_feed", args=[c["region"].slug]),
        9 + SITE,
    ),
    ("tag-feed", lambda c: reverse("tag_feed", args=["sanctions"]), 5 + SITE),
    # lastmod for every URL: two aggregates for the listing pages, two for the tags.
    ("sitemap", lambda c: reverse("sitemap"), 16),
    # The subject indexes and the experts directory list names, not publications.
    ("topics", lambda c: reverse("publications:topics"), 3 + MENUS + SITE),
    ("regions", lambda c: reverse("publications:regions"), 4 + MENUS + SITE),
    ("tags", lambda c: reverse("tags"), 3 + MENUS + SITE),
    ("people", lambda c: reverse("publications:people"), 9 + MENUS + SITE),
    (
        "people-filtered",
        lambda c: reverse("publications:people") + "?topic=aid&region=asia",
        13 + MENUS + SITE,
    ),
]
INDEXES = {"sitemap", "topics", "regions", "tags", "people", "people-filtered"}


@pytest.mark.parametrize(("name", "url", "budget"), PAGES, ids=[p[0] for p in PAGES])
def test_query_budget(client, django_assert_max_num_queries, content, name, url, budget):
    with django_assert_max_num_queries(budget):
        response = client.get(url(content))

    assert response.status_code == 200
    # The page really shows the content the budget is about.
    assert content["main"].title in response.content.decode() or name in INDEXES
