"""CSRF protection on every POST: the admin login and every other view refuse a POST without a
token, and no view opts out."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from publications.models import Publication
from tests.crawl import PUBLIC_SEEDS, crawl, populate

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough passphrase"


def all_views(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_is_exempt_from_csrf():
    exempt = [route for route, view in all_views() if getattr(view, "csrf_exempt", False)]

    assert exempt == []


def test_admin_login_without_a_token_is_refused(django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("admin:login"))  # sets the CSRF cookie, as a browser would

    response = client.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD})

    assert response.status_code == 403
    assert "This form could not be sent" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_with_the_token_works(django_user_model):
    # Not vacuous: the same login with the form's token goes through.
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("admin:login"))

    response = client.post(
        reverse("admin:login"),
        {
            "username": "editor",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )

    assert response.status_code == 302


def test_an_admin_edit_without_a_token_is_refused(django_user_model):
    publication = populate()["publication"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("chief", "c@example.org", "x"))

    response = client.post(
        reverse("admin:publications_publication_change", args=[publication.pk]),
        {"title": "Defaced", "slug": publication.slug},
    )

    assert response.status_code == 403
    assert Publication.objects.get(pk=publication.pk).title == publication.title


def test_every_site_url_refuses_a_post_without_a_token():
    populate()
    # Every URL that reaches a view (static files and unknown paths never do).
    urls = [
        page.url
        for page in crawl(Client(), PUBLIC_SEEDS, per_kind=1)
        if page.kind[0] not in {"404", "static", "media"}
    ]
    client = Client(enforce_csrf_checks=True)

    statuses = {url: client.post(url, {"q": "x"}).status_code for url in urls}

    assert {url: status for url, status in statuses.items() if status != 403} == {}
    assert len(urls) > 20
