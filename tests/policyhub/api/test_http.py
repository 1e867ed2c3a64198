"""The API's HTTP: conditional requests, CORS, throttling, and failures that degrade."""

import pytest

from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"


@pytest.fixture
def piece():
    return PublicationFactory(slug="piece", title="A piece")


def test_etag_and_304(client, piece):
    first = client.get(LIST)
    again = client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"]
    assert again.status_code == 304
    assert again.content == b""


def test_a_change_gives_a_new_etag(client, piece):
    first = client.get(LIST)
    PublicationFactory(slug="newer")

    again = client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_cors_allows_any_origin_without_credentials(client, piece):
    response = client.get(LIST, HTTP_ORIGIN="https://partner.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_preflight(client):
    response = client.options(
        LIST,
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in response["Access-Control-Allow-Methods"]


def test_cors_is_only_for_the_api(client, piece):
    response = client.get("/publications/", HTTP_ORIGIN="https://partner.example")

    assert "Access-Control-Allow-Origin" not in response


def test_throttled_per_address_with_retry_after(client, settings, piece):
    settings.API_THROTTLE_RATE = "2/min"

    statuses = [client.get(LIST, REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)]
    other = client.get(LIST, REMOTE_ADDR="10.0.0.2")
    refused = client.get(LIST, REMOTE_ADDR="10.0.0.1")

    assert statuses == [200, 200, 429]
    assert other.status_code == 200
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()


def test_a_forged_forwarded_for_does_not_escape_the_throttle(client, settings, piece):
    settings.API_THROTTLE_RATE = "1/min"

    client.get(LIST, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    response = client.get(LIST, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="2.2.2.2")

    assert response.status_code == 429


def test_cache_down_costs_no_request(client, settings, piece, cache_down):
    settings.API_THROTTLE_RATE = "1/min"

    with cache_down():
        statuses = [client.get(LIST).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


def test_api_pages_are_page_cached_for_the_next_reader(client, settings, piece):
    settings.PAGE_CACHE_ENABLED = True

    first = client.get(LIST)
    second = client.get(LIST)

    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.json() == first.json()
