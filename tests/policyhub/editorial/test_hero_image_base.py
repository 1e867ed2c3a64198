"""Pages and publications take their hero image from one base (``WithHeroImage``): the same
fields, check and renditions, each model keeping its own upload folder."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from policyhub.editorial.models import WithHeroImage
from policyhub.pages.models import Page
from publications.models import Publication
from tests.factories import PageFactory, PublicationFactory, image_file

pytestmark = pytest.mark.django_db

HERO_FIELDS = ["hero_image", "hero_alt", "hero_caption", "hero_credit", "hero_renditions"]


@pytest.mark.parametrize("model, folder", [(Page, "pages/%Y/"), (Publication, "heroes/%Y/")])
def test_migrations_see_a_plain_image_field_in_the_models_folder(model, folder):
    assert issubclass(model, WithHeroImage)
    name, path, args, kwargs = model._meta.get_field("hero_image").deconstruct()

    assert path == "policyhub.editorial.images.CheckedImageField"
    assert kwargs == {"upload_to": folder, "blank": True}
    assert all(model._meta.get_field(name) for name in HERO_FIELDS)


@pytest.mark.parametrize(
    "factory, folder", [(PageFactory, "pages"), (PublicationFactory, "heroes")]
)
def test_each_model_stores_its_image_in_its_folder_with_renditions(factory, folder):
    item = factory(hero_image=image_file("hero.png", size=(1000, 500)), hero_alt="A harbour")

    year = timezone.now().year
    assert item.hero_image.name.startswith(f"{folder}/{year}/hero")
    assert [r["width"] for r in item.hero_renditions["jpeg"]] == [480, 960, 1000]
    assert item.hero_picture.width == 960


@pytest.mark.parametrize("factory", [PageFactory, PublicationFactory])
def test_a_hero_image_needs_alt_text(factory):
    item = factory.build(hero_image=image_file("hero.png"), hero_alt="  ")

    with pytest.raises(ValidationError) as error:
        item.clean()

    assert error.value.message_dict == {
        "hero_alt": ["Describe the hero image (alt text) for readers."]
    }


def test_the_page_form_says_the_image_must_be_chosen_again(admin_client):
    data = {
        "title": "",
        "slug": "about",
        "summary": "",
        "body": "<p>Text</p>",
        "hero_alt": "The team",
        "status": "draft",
        "hero_image": image_file("team.png"),
    }

    response = admin_client.post(reverse("admin:pages_page_add"), data)

    errors = response.context["adminform"].form.errors
    assert "title" in errors
    assert errors["hero_image"] == [
        "“team.png” was not saved because of the errors on this page: "
        "choose it again before you save."
    ]
    assert not Page.objects.exists()
