"""A NUL in an admin query string is a 400, not a database error (PostgreSQL refuses NUL)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The byline inline's person picker.
AUTOCOMPLETE = "app_label=publications&model_name=authorship&field_name=person"


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=%00",
        "q=%00",
        "status__exact=published&tags__id__exact=1%00",
        "%00=1",
    ],
)
def test_a_nul_in_a_changelist_query_is_a_400(admin_client, query):
    url = reverse("admin:publications_publication_changelist")
    response = admin_client.get(f"{url}?{query}")
    assert response.status_code == 400


def test_a_nul_in_an_autocomplete_term_is_a_400(admin_client):
    url = reverse("admin:autocomplete")
    response = admin_client.get(f"{url}?term=%00&{AUTOCOMPLETE}")
    assert response.status_code == 400
    # The same request without the NUL works: the 400 is the NUL's, not the parameters'.
    assert admin_client.get(f"{url}?term=a&{AUTOCOMPLETE}").status_code == 200


def test_only_the_admin_is_checked_and_the_answer_carries_the_security_headers(client):
    response = client.get(reverse("admin:index") + "?next=%00")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    # Reader pages validate their own parameters (a clear message, never a 500).
    assert client.get(reverse("publications:list") + "?topic=%00").status_code == 200


def test_the_check_runs_after_whitenoise(settings):
    whitenoise = settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert (
        settings.MIDDLEWARE[whitenoise + 1] == "policyhub.middleware.AdminNullCharacterMiddleware"
    )
