import pytest
from django.contrib.staticfiles import finders
from django.db import DatabaseError
from django.test import RequestFactory

from policyhub.views import server_error

pytestmark = pytest.mark.django_db


def test_404_page_is_friendly(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()

    assert response.status_code == 404
    assert "<title>Page not found · PolicyHub</title>" in html
    assert "We could not find that page" in html
    assert 'href="/publications/"' in html


def test_500_handler_renders_the_error_page():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_an_exception_in_a_view_gives_the_500_page(client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("policyhub.views.Publication.objects.published", explode)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "boom" not in response.content.decode()


def test_favicon_ico_points_at_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")


def test_a_404_says_nothing_about_the_site_inside(client, settings):
    # Django's technical 404 (DEBUG on) lists every URL pattern; the real one must not.
    assert settings.DEBUG is False
    response = client.get("/no/such/page/")
    html = response.content.decode()

    assert response.status_code == 404
    for leak in ["URLconf", "urlpatterns", "admin/", "Traceback", "policyhub.urls"]:
        assert leak not in html, leak


def test_a_database_error_shows_no_sql_traceback_or_settings(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError('relation "secret_table" does not exist LINE 1: SELECT "password"')

    monkeypatch.setattr("policyhub.views.Publication.objects.published", broken)
    client.raise_request_exception = False

    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    for leak in ["secret_table", "SELECT", "Traceback", "DatabaseError", "SECRET_KEY", "DEBUG"]:
        assert leak not in html, leak
