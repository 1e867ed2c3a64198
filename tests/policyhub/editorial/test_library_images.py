"""The image library editors place figures from (editorial.LibraryImage and its admin)."""

import pytest
from django.urls import reverse

from policyhub.editorial.models import LibraryImage
from tests.factories import LibraryImageFactory, PageFactory, PublicationFactory, image_file

pytestmark = pytest.mark.django_db


def test_saving_an_image_makes_its_renditions():
    image = LibraryImageFactory(image=image_file("chart.png", size=(2000, 1000)))

    assert [item["width"] for item in image.renditions["jpeg"]] == [480, 960, 1600]
    assert image.picture.width == 960 and image.picture.height == 480


def test_the_list_shows_the_number_the_figure_button_asks_for(admin_client):
    image = LibraryImageFactory(title="Trade chart")

    html = admin_client.get(reverse("admin:editorial_libraryimage_changelist")).content.decode()

    assert "Number (for the figure button)" in html
    assert f'<td class="field-figure_number">{image.pk}</td>' in html


def test_the_change_form_says_which_texts_show_the_image(admin_client):
    image = LibraryImageFactory()
    PublicationFactory(
        title="A <b>draft</b>", draft=True, body=f'<figure data-image="{image.pk}"></figure>'
    )
    PageFactory(title="About us", body=f'<figure data-image="{image.pk}"></figure>')
    PublicationFactory(title="Other image", body=f'<figure data-image="{image.pk}0"></figure>')

    url = reverse("admin:editorial_libraryimage_change", args=[image.pk])
    html = admin_client.get(url).content.decode()

    assert "A &lt;b&gt;draft&lt;/b&gt; (publication)" in html
    assert "About us (page)" in html
    assert "Other image" not in html


def test_the_admin_uploads_an_image_with_its_texts(admin_client):
    response = admin_client.post(
        reverse("admin:editorial_libraryimage_add"),
        {
            "title": "Chart",
            "image": image_file("chart.png", size=(600, 400)),
            "alt": "Exports fell",
            "caption": "Exports",
            "credit": "KOTRA",
        },
    )

    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert image.renditions["jpeg"][-1]["width"] == 600


def test_alt_text_is_required(admin_client):
    response = admin_client.post(
        reverse("admin:editorial_libraryimage_add"),
        {"title": "Chart", "image": image_file("chart.png"), "alt": ""},
    )

    assert response.status_code == 200
    assert "alt" in response.context["adminform"].form.errors
    assert not LibraryImage.objects.exists()


def test_contributors_add_images_editors_change_them(contributor, editor):
    assert contributor.has_perm("editorial.add_libraryimage")
    assert not contributor.has_perm("editorial.change_libraryimage")
    assert not contributor.has_perm("editorial.delete_libraryimage")
    assert editor.has_perm("editorial.change_libraryimage")
    assert editor.has_perm("editorial.delete_libraryimage")
