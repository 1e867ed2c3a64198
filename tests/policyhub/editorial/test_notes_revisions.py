"""Footnotes through the admin's save, the revisions, their diff and a restore."""

import pytest
from django.urls import reverse

from policyhub.editorial.pending import pending_for, publish_pending
from tests.admin_forms import change_form_data
from tests.factories import PublicationFactory
from tests.workflow_forms import PUBLISH_CHANGES

pytestmark = pytest.mark.django_db

FILLER = "<p>" + "Long enough to be shown as changed words in context. " * 8 + "</p>"


def save_body(admin_client, publication, body):
    url, data = change_form_data(admin_client, publication)
    data["body"] = body
    response = admin_client.post(url, {**data, **PUBLISH_CHANGES})
    assert response.status_code == 302, response.context["adminform"].form.errors
    publication.refresh_from_db()


def test_an_admin_save_keeps_the_note_and_sanitises_inside_it(admin_client):
    publication = PublicationFactory(body="<p>Old</p>")

    save_body(
        admin_client,
        publication,
        '<p>Claim<span data-footnote="" onmouseover="x()">Source <script>alert(1)</script>'
        '<a href="javascript:alert(2)">here</a>.</span></p>',
    )

    assert publication.body == '<p>Claim<span data-footnote="">Source <a>here</a>.</span></p>'
    html = admin_client.get(publication.get_absolute_url()).content.decode()
    assert '<li id="note-1">Source here. <a href="#note-ref-1"' in html


def test_revisions_keep_notes_the_diff_shows_a_changed_note_and_restore_brings_it_back(
    admin_client,
):
    publication = PublicationFactory(
        body=f'{FILLER}<p>Claim<span data-footnote="">KOTRA 2019 figures.</span></p>'
    )
    original = publication.history.order_by("-history_id").first()
    save_body(
        admin_client,
        publication,
        f'{FILLER}<p>Claim<span data-footnote="">UN <b>2020</b> figures.</span></p>',
    )
    assert '<span data-footnote="">UN 2020 figures.</span>' in publication.body

    history = admin_client.get(
        reverse("admin:publications_publication_history", args=[publication.pk])
    ).content.decode()
    assert "<del>KOTRA" in history and "<ins>UN" in history

    response = admin_client.post(
        reverse(
            "admin:publications_publication_restore",
            args=[publication.pk, original.history_id],
        )
    )
    assert response.status_code == 302
    publish_pending(publication, pending_for(publication))
    publication.refresh_from_db()
    assert '<span data-footnote="">KOTRA 2019 figures.</span>' in publication.body


def test_the_admin_refuses_a_figure_that_names_no_image(admin_client):
    from tests.factories import LibraryImageFactory

    image = LibraryImageFactory()
    publication = PublicationFactory(body="<p>Old</p>")
    url, data = change_form_data(admin_client, publication)
    data["body"] = (
        f'<figure data-image="{image.pk}"></figure><figure data-image="999999"></figure>'
        '<figure data-image="x&lt;b&gt;"></figure>'
    )

    response = admin_client.post(url, {**data, **PUBLISH_CHANGES})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert errors == [
        "A figure names an image that is not in the library (“999999”, “x<b>”): choose "
        "another number from Editorial › Images, or remove the figure."
    ]
    publication.refresh_from_db()
    assert publication.body == "<p>Old</p>"
    # Shown escaped on the form.
    assert "“x&lt;b&gt;”" in response.content.decode()
