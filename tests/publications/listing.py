"""Reading the publication list's response in tests: its titles in order and a facet's counts."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

LIST_URL = reverse("publications:list")


def titles(response):
    return [publication.title for publication in response.context["publications"]]


def facet(response, param):
    """{option slug: count} for the facet of GET parameter ``param``."""
    return {
        option.slug: option.count
        for facet in response.context["facets"]
        if facet.param == param
        for option in facet.options
    }


def days_ago(days):
    return timezone.now() - timedelta(days=days)
