import pytest
from taggit.utils import edit_string_for_tags, parse_tags

from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        ("food security", ["food security"]),
        ("North Korea, sanctions", ["North Korea", "sanctions"]),
        ('"North Korea", DPRK', ["DPRK", "North Korea"]),
        ("  human   rights ,, ", ["human rights"]),
        ("Sanctions, sanctions", ["Sanctions"]),
        ("", []),
    ],
)
def test_tags_typed_by_editors_are_split_on_commas_only(typed, tags):
    assert sorted(parse_tags(typed)) == tags


def test_the_admin_field_shows_multi_word_tags_so_they_survive_a_resave():
    publication = PublicationFactory(tags=["food security", "grain"])

    shown = edit_string_for_tags(publication.tags.all())

    assert sorted(parse_tags(shown)) == ["food security", "grain"]
