"""What the experts directory shows of a person: expertise (a filter with counts), languages,
contact only when the record says so, profile links, and the options their work argues for."""

import json

import pytest

from options.models import OptionSource
from publications.models import Person, ProfileLink
from tests.factories import (
    ExpertiseFactory,
    OptionSourceFactory,
    PersonFactory,
    PolicyOptionFactory,
    ProfileLinkFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

URL = "/people/"


@pytest.fixture
def experts():
    sanctions = ExpertiseFactory(name="Sanctions", slug="sanctions")
    water = ExpertiseFactory(name="Water security", slug="water")
    ana = PersonFactory(
        name="Ana Ortiz",
        slug="ana",
        languages="Spanish, English",
        email="ana@example.org",
        show_email=True,
    )
    bo = PersonFactory(name="Bo Chen", slug="bo", email="bo@example.org", show_email=False)
    hidden = PersonFactory(name="Hidden Draftwriter", slug="hidden")
    ana.expertise.set([sanctions, water])
    bo.expertise.set([sanctions])
    # An author of a draft only: their expertise is counted nowhere.
    hidden.expertise.set([water])
    PublicationFactory(authors=[ana])
    PublicationFactory(authors=[bo])
    PublicationFactory(authors=[hidden], draft=True)
    return {"ana": ana, "bo": bo}


def names(response):
    return [person.name for person in response.context["people"]]


def facet(response, param):
    found = next(f for f in response.context["facets"] if f.param == param)
    return {option.slug: option.count for option in found.options}


def test_expertise_is_a_filter_with_counts_of_visible_people(client, experts):
    response = client.get(URL)

    assert facet(response, "expertise") == {"sanctions": 2, "water": 1}
    filtered = client.get(URL, {"expertise": "water"})
    assert names(filtered) == ["Ana Ortiz"]
    assert "Expertise: Water security" in filtered.content.decode()


def test_expertise_counts_follow_the_other_filters(client, experts):
    response = client.get(URL, {"q": "chen"})

    assert facet(response, "expertise") == {"sanctions": 1}


def test_an_unknown_expertise_is_explained(client, experts):
    response = client.get(URL, {"expertise": "astrology"})

    assert response.status_code == 200
    assert "No area of expertise called “astrology”." in response.content.decode()
    assert names(response) == []


def test_profile_shows_expertise_languages_and_public_email(client, experts):
    content = client.get(experts["ana"].get_absolute_url()).content.decode()

    assert 'href="/people/?expertise=sanctions"' in content
    assert "Spanish, English" in content
    assert 'href="mailto:ana@example.org"' in content


def test_an_email_not_made_public_is_never_shown(client, experts):
    bo = experts["bo"]
    page = client.get(bo.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/people/{bo.slug}/").json()

    assert "bo@example.org" not in page
    assert api["email"] == ""
    assert client.get(f"/api/v1/people/{experts['ana'].slug}/").json()["email"] == (
        "ana@example.org"
    )


def test_profile_links_are_named_from_their_site_and_in_order(client, experts):
    ana = experts["ana"]
    ProfileLinkFactory(person=ana, url="https://www.linkedin.com/in/ana", order=2)
    ProfileLinkFactory(person=ana, url="https://orcid.org/0000-0002-1825-0097", order=1)
    ProfileLinkFactory(person=ana, url="https://blog.example.net/ana", label="Ana's notes", order=3)

    content = client.get(ana.get_absolute_url()).content.decode()

    labels = ["ORCID", "LinkedIn", "Ana&#x27;s notes"]
    positions = [content.index(f">{label}</a>") for label in labels]
    assert positions == sorted(positions)
    assert [link.display_label for link in ana.profile_links.all()] == [
        "ORCID",
        "LinkedIn",
        "Ana's notes",
    ]
    assert ProfileLink(url="https://people.example.com/x").display_label == "people.example.com"


def test_person_json_ld_names_expertise_languages_and_profiles(client, experts):
    ana = experts["ana"]
    ProfileLinkFactory(person=ana, url="https://orcid.org/0000-0002-1825-0097")
    content = client.get(ana.get_absolute_url()).content.decode()

    blocks = content.split('<script type="application/ld+json"')[1:]
    person = next(
        data
        for data in (json.loads(block.split(">", 1)[1].split("</script>")[0]) for block in blocks)
        if data.get("@type") == "Person"
    )
    assert person["knowsAbout"] == ["Sanctions", "Water security"]
    assert person["knowsLanguage"] == ["Spanish", "English"]
    assert "https://orcid.org/0000-0002-1825-0097" in person["sameAs"]
    assert person["email"] == "ana@example.org"


def test_person_page_lists_the_options_their_work_argues_for(client, experts):
    ana = experts["ana"]
    piece = PublicationFactory(authors=[ana])
    draft = PublicationFactory(authors=[ana], draft=True)
    backed = PolicyOptionFactory(title="Phase out sanctions on aid")
    opposed = PolicyOptionFactory(title="Tighten the export ban")
    hidden = PolicyOptionFactory(title="A draft option", draft=True)
    from_draft = PolicyOptionFactory(title="Argued only in a draft")
    OptionSourceFactory(option=backed, publication=piece, stance=OptionSource.Stance.SUPPORTS)
    OptionSourceFactory(option=opposed, publication=piece, stance=OptionSource.Stance.OPPOSES)
    OptionSourceFactory(option=hidden, publication=piece, stance=OptionSource.Stance.PROPOSES)
    OptionSourceFactory(option=from_draft, publication=draft, stance=OptionSource.Stance.PROPOSES)

    content = client.get(ana.get_absolute_url()).content.decode()

    assert "Phase out sanctions on aid" in content
    for absent in ("Tighten the export ban", "A draft option", "Argued only in a draft"):
        assert absent not in content


def test_admin_edits_expert_fields(admin_client, experts):
    sanctions = experts["ana"].expertise.get(slug="sanctions")
    response = admin_client.post(
        "/admin/publications/person/add/",
        {
            "name": "Cy Adams",
            "slug": "cy",
            "kind": "fellow",
            "expertise": [sanctions.pk],
            "languages": "French",
            "email": "cy@example.org",
            "show_email": "on",
            "profile_links-TOTAL_FORMS": "1",
            "profile_links-INITIAL_FORMS": "0",
            "profile_links-0-url": "bsky.app/profile/cy",
            "profile_links-0-order": "0",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    cy = Person.objects.get(slug="cy")
    assert list(cy.expertise.values_list("slug", flat=True)) == ["sanctions"]
    assert cy.show_email is True
    assert [(p.url, p.display_label) for p in cy.profile_links.all()] == [
        ("https://bsky.app/profile/cy", "Bluesky")
    ]


def test_profile_link_refuses_a_script_address(admin_client):
    response = admin_client.post(
        "/admin/publications/person/add/",
        {
            "name": "Eve",
            "slug": "eve",
            "kind": "staff",
            "profile_links-TOTAL_FORMS": "1",
            "profile_links-INITIAL_FORMS": "0",
            "profile_links-0-url": "javascript:alert(1)",
            "profile_links-0-order": "0",
        },
    )

    assert response.status_code == 200
    assert not Person.objects.filter(slug="eve").exists()
