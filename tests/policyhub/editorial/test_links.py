"""Slug links built without the resolver (publications/links.py) are the resolver's own."""

import pytest
from django.test import override_settings
from django.urls import reverse, set_script_prefix

from policyhub.editorial.links import slug_url

VIEWS = [
    "publications:detail",
    "publications:person",
    "publications:topic",
    "tag",
    "options:detail",
]


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("slug", ["a", "sanctions-relief", "under_score-9", "x" * 200])
def test_the_same_address_as_reverse(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, args=[slug])


@pytest.mark.parametrize("slug", ["côte-divoire", "北朝鮮"])
def test_unicode_slugs_are_quoted_like_reverse(slug):
    assert slug_url("tag", slug) == reverse("tag", args=[slug])
    assert "%" in slug_url("tag", slug)


def test_a_script_prefix_is_kept_apart():
    plain = slug_url("publications:detail", "report")
    try:
        set_script_prefix("/institute/")
        prefixed = slug_url("publications:detail", "report")
    finally:
        set_script_prefix("/")
    assert prefixed == "/institute" + plain
    assert slug_url("publications:detail", "report") == plain


def test_another_urlconf_is_asked_afresh():
    slug_url("publications:detail", "report")
    with override_settings(ROOT_URLCONF="tests.publications.prefixed_urls"):
        assert slug_url("publications:detail", "report") == "/archive/publications/report/"
    assert slug_url("publications:detail", "report") == "/publications/report/"
