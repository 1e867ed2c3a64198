import pytest
from django.contrib.staticfiles import finders
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
