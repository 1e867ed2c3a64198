"""API lists run a fixed number of queries, whether a page holds 3 items or 30."""

from datetime import timedelta

import pytest
from django.utils import timezone

from options.models import PolicyOption
from policyhub.editorial.models import publishable_models
from publications.models import Publication
from tests.factories import (
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    PolicyQuestionFactory,
    PublicationDocumentFactory,
    PublicationFactory,
    RegionFactory,
    TopicFactory,
    made_for_module,
)

pytestmark = pytest.mark.django_db

# Last-Modified: the publish times around now, one query per publishable model, made once per
# content generation (cached); the tests start with an empty cache, so they pay for it.
LAST_MODIFIED = len(publishable_models())


@pytest.fixture(scope="module", params=[3, 30], ids=["3-items", "30-items"])
def content(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The items, made once per size for the module (30 take seconds of factories and PDFs)."""
    root = tmp_path_factory.mktemp("api-budgets")
    with made_for_module(lambda: make_content(request.param), django_db_blocker, root) as made:
        yield made


def make_content(count):
    parent = RegionFactory(slug="r-0")
    for n in range(count):
        question = PolicyQuestionFactory()
        question.regions.set([parent, RegionFactory()])
        question.tags.set(["a", f"q-{n}"])
        publication = PublicationFactory(
            slug=f"p-{n}",
            related=[] if n == 0 else [p for p in Publication.objects.all()[:3]],
            published_at=timezone.now() - timedelta(hours=n + 1),
            authors=[PersonFactory(), PersonFactory()],
            topics=[TopicFactory()],
            regions=[RegionFactory(parent=parent)],
            tags=["sanctions", f"tag-{n}"],
        )
        option = PolicyOptionFactory(slug=f"o-{n}", question=question, tags=[f"o-{n}"])
        OptionSourceFactory(option=option, publication=publication)
        if n:
            OptionSourceFactory(
                option=PolicyOption.objects.get(slug="o-0"), publication=publication
            )
    first = Publication.objects.get(slug="p-0")
    for order in range(min(count, 5)):
        PublicationDocumentFactory(publication=first, order=order)
    return count


@pytest.mark.parametrize(
    "path, budget",
    [
        ("publications/", 6),
        ("publications/?region=r-0&tag=sanctions", 10),
        ("options/", 4),
        ("questions/", 3),
        ("people/", 3),  # with their expertise and profile links
        ("topics/", 1),
        ("regions/", 1),
        ("tags/", 1),
    ],
)
def test_list_queries_do_not_grow_with_page_size(
    client, content, django_assert_max_num_queries, path, budget
):
    separator = "&" if "?" in path else "?"
    with django_assert_max_num_queries(budget + LAST_MODIFIED):
        response = client.get(f"/api/v1/{path}{separator}page_size=30")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= min(content, 3)


# A publication: is it visible, itself, its five relations, documents, related, reasons, options.
@pytest.mark.parametrize("path, budget", [("publications/p-0/", 12), ("options/o-0/", 4)])
def test_detail_queries_do_not_grow_with_relations(
    client, content, django_assert_max_num_queries, path, budget
):
    with django_assert_max_num_queries(budget + LAST_MODIFIED):
        response = client.get(f"/api/v1/{path}")
    assert response.status_code == 200
    if path.startswith("publications/"):
        assert len(response.json()["documents"]) == min(content, 5)


def test_last_modified_costs_no_query_once_known(client, content, django_assert_max_num_queries):
    client.get("/api/v1/people/")

    # The people, their expertise and profile links: nothing for the date.
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/people/?page_size=30")
    assert response.status_code == 200
    assert response["Last-Modified"]
