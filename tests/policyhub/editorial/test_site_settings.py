"""Site settings (policyhub/editorial/site.py): empty settings change nothing; what editors set
shows on every page, in feeds, Open Graph and JSON-LD; a change retires cached pages; and once
cached the settings cost no query."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policyhub.editorial.models import SiteSettings, SocialLink
from tests.admin_forms import change_form_data
from tests.factories import (
    PageFactory,
    PublicationFactory,
    SiteSettingsFactory,
    SocialLinkFactory,
    image_file,
)
from tests.publications.test_structured_data import json_ld
from tests.test_page_metadata import head

pytestmark = pytest.mark.django_db


def without_nonces(response):
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def test_empty_settings_change_nothing(client):
    PublicationFactory(title="Annual report")
    page = PageFactory(slug="about", title="About")
    urls = [reverse("home"), reverse("publications:list"), page.get_absolute_url()]
    before = [without_nonces(client.get(url)) for url in urls]

    SiteSettingsFactory()

    assert [without_nonces(client.get(url)) for url in urls] == before
    home = before[0]
    assert '<a class="site-logo" href="/">PolicyHub</a>' in home
    assert "PolicyHub publishes independent research and structured policy options." in home
    assert "Independent research, analysis and structured policy options." in home
    assert "<title>PolicyHub: research and policy options</title>" in home
    meta = head(home).meta
    assert "og:image" not in meta and meta["twitter:card"] == ["summary"]


def test_what_editors_set_shows_on_every_page(client):
    settings_row = SiteSettingsFactory(
        site_name="North Institute",
        tagline="Research for a safer peninsula.",
        footer_text="North Institute, 1 Main Street.\nCharity no. 123.",
        logo=image_file("logo.png", size=(200, 60)),
    )
    SocialLinkFactory(site=settings_row, label="LinkedIn", url="https://linkedin.example/ni")
    SocialLinkFactory(site=settings_row, label="Bluesky", url="https://bsky.example/ni")
    page = PageFactory(slug="about", title="About us")

    home = client.get(reverse("home")).content.decode()
    about = client.get(page.get_absolute_url()).content.decode()

    assert "<title>North Institute: research and policy options</title>" in home
    assert "<title>About us · North Institute</title>" in about
    assert "Research for a safer peninsula." in home
    for html in (home, about):
        assert "PolicyHub" not in html
        assert re.search(
            r'<a class="site-logo" href="/"><img src="/media/site/logo[^"]*\.png" width="200" '
            r'height="60" alt="North Institute"></a>',
            html,
        )
        assert "North Institute, 1 Main Street.<br>Charity no. 123." in html
        assert re.search(
            r'<li><a href="https://linkedin.example/ni" rel="me">LinkedIn</a></li>'
            r'<li><a href="https://bsky.example/ni" rel="me">Bluesky</a></li>',
            html,
        )
        assert head(html).meta["og:site_name"] == ["North Institute"]


def test_feeds_carry_the_site_name(client):
    SiteSettingsFactory(site_name="North Institute")
    PublicationFactory()

    feed = client.get(reverse("publications:feed")).content.decode()

    assert "<title>North Institute: latest publications</title>" in feed


def test_a_settings_change_retires_cached_pages(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.DATA_CACHE_ENABLED = True
    PageFactory(slug="about", title="About")
    assert client.get("/about/")["X-Cache"] == "miss"
    assert client.get("/about/")["X-Cache"] == "hit"

    settings_row = SiteSettingsFactory(site_name="North Institute")
    response = client.get("/about/")
    assert response["X-Cache"] == "miss"
    assert "About · North Institute" in response.content.decode()
    assert client.get("/about/")["X-Cache"] == "hit"

    link = SocialLinkFactory(site=settings_row, label="Mastodon")
    response = client.get("/about/")
    assert response["X-Cache"] == "miss"
    assert ">Mastodon</a>" in response.content.decode()

    SocialLink.objects.get(pk=link.pk).delete()
    response = client.get("/about/")
    assert response["X-Cache"] == "miss"
    assert ">Mastodon</a>" not in response.content.decode()


def test_once_cached_the_settings_cost_no_query(client, settings):
    settings.DATA_CACHE_ENABLED = True
    SiteSettingsFactory(site_name="North Institute")
    SocialLinkFactory(label="LinkedIn")
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))

    assert "North Institute" in response.content.decode()
    assert ">LinkedIn</a>" in response.content.decode()
    tables = {SiteSettings._meta.db_table, SocialLink._meta.db_table}
    assert not [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]


@pytest.fixture
def share_image():
    return SiteSettingsFactory(
        share_image=image_file("share.png", size=(1200, 630)),
        share_image_alt="The institute's logo on blue",
    )


def test_pages_without_an_image_share_the_default_one(client, share_image):
    publication = PublicationFactory()
    page = PageFactory(slug="about")
    largest = share_image.share_image_renditions["jpeg"][-1]
    expected = f"http://testserver/media/{largest['name']}"

    for url in [
        reverse("home"),
        reverse("publications:list"),
        reverse("options:list"),
        publication.get_absolute_url(),
        page.get_absolute_url(),
    ]:
        meta = head(client.get(url).content.decode()).meta
        assert meta["og:image"] == [expected], url
        assert meta["og:image:width"] == [str(largest["width"])], url
        assert meta["og:image:height"] == [str(largest["height"])], url
        assert meta["og:image:alt"] == ["The institute's logo on blue"], url
        assert meta["twitter:card"] == ["summary_large_image"], url
        assert meta["twitter:image"] == [expected], url

    image = {"@type": "ImageObject", "url": expected, "width": 1200, "height": 630}
    assert json_ld(client.get(reverse("home")))["WebSite"]["image"] == [image]
    assert json_ld(client.get(publication.get_absolute_url()))["Article"]["image"] == [image]
    assert json_ld(client.get(page.get_absolute_url()))["WebPage"]["image"] == [image]


def test_an_image_of_its_own_wins(client, share_image):
    publication = PublicationFactory(
        hero_image=image_file("hero.png", size=(800, 400)), hero_alt="A harbour"
    )
    page = PageFactory(slug="about", hero_image=image_file("team.png"), hero_alt="The team")

    for item in (publication, page):
        meta = head(client.get(item.get_absolute_url()).content.decode()).meta
        own = item.hero_renditions["jpeg"][-1]["name"]
        assert meta["og:image"] == [f"http://testserver/media/{own}"]
        assert meta["og:image:alt"] == [item.hero_alt]


def test_organization_on_the_home_page_and_as_publisher(client):
    settings_row = SiteSettingsFactory(
        site_name="North Institute",
        legal_name="North Institute for Peace Studies Ltd",
        organisation_logo=image_file("square.png", size=(300, 300)),
    )
    SocialLinkFactory(site=settings_row, order=2, url="https://b.example/ni")
    SocialLinkFactory(site=settings_row, order=1, url="https://a.example/ni")
    publication = PublicationFactory()

    org = json_ld(client.get(reverse("home")))["Organization"]

    assert org == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": "http://testserver/#organization",
        "name": "North Institute",
        "url": "http://testserver/",
        "legalName": "North Institute for Peace Studies Ltd",
        "logo": {
            "@type": "ImageObject",
            "url": f"http://testserver{settings_row.organisation_logo.url}",
            "width": 300,
            "height": 300,
        },
        "sameAs": ["https://a.example/ni", "https://b.example/ni"],
    }
    article = json_ld(client.get(publication.get_absolute_url()))["Article"]
    del org["@context"]
    assert article["publisher"] == org
    assert article["author"] == [org]  # no byline: the institute


def test_the_header_logo_stands_in_for_a_missing_organisation_logo(client):
    settings_row = SiteSettingsFactory(logo=image_file("wide.png", size=(400, 100)))

    org = json_ld(client.get(reverse("home")))["Organization"]

    assert org["logo"]["url"] == f"http://testserver{settings_row.logo.url}"
    assert (org["logo"]["width"], org["logo"]["height"]) == (400, 100)
    assert "sameAs" not in org and "legalName" not in org


def test_profile_links_must_be_https_and_named():
    settings_row = SiteSettingsFactory()
    with pytest.raises(ValidationError, match="https://"):
        SocialLink(site=settings_row, label="Old", url="http://old.example/").full_clean()
    with pytest.raises(ValidationError):
        SocialLink(site=settings_row, label="", url="https://new.example/").full_clean()
    # A script saving a dangerous URL without validation stores nothing to follow.
    link = SocialLinkFactory(site=settings_row, url="javascript:alert(1)")
    link.refresh_from_db()
    assert link.url == ""


def test_a_share_image_needs_alt_text():
    with pytest.raises(ValidationError, match="alt text"):
        SiteSettings(share_image=image_file("share.png")).full_clean()


def test_editors_change_the_settings_in_the_admin(admin_client, client):
    response = admin_client.get(reverse("admin:editorial_sitesettings_changelist"))
    assert response.status_code == 200
    # The settings' own form, with the profile links inline (no list of one row).
    assert 'name="social_links-TOTAL_FORMS"' in response.content.decode()

    url, data = change_form_data(admin_client, SiteSettings.get_solo())
    data.update(
        {
            "site_name": "North Institute",
            "footer_text": "Funded by its members.",
            "social_links-0-order": "1",
            "social_links-0-label": "LinkedIn",
            "social_links-0-url": "http://linkedin.example/ni",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "must start with https://" in response.content.decode()

    data["social_links-0-url"] = "https://linkedin.example/ni"
    response = admin_client.post(url, data)
    assert response.status_code == 302

    home = client.get(reverse("home")).content.decode()
    assert "Funded by its members." in home
    assert '<a href="https://linkedin.example/ni" rel="me">LinkedIn</a>' in home
    assert json_ld(client.get(reverse("home")))["Organization"]["sameAs"] == [
        "https://linkedin.example/ni"
    ]


def test_there_is_one_settings_row_and_it_cannot_be_deleted(admin_client):
    SiteSettingsFactory()
    assert admin_client.get(reverse("admin:editorial_sitesettings_add")).status_code == 403
    delete = reverse("admin:editorial_sitesettings_delete", args=[1])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert SiteSettings.objects.count() == 1


def test_the_demo_sets_an_organisation_and_its_profiles(client):
    call_command("loaddata", "demo_site", verbosity=0)

    response = client.get(reverse("home"))

    # The name stays the server's (SITE_NAME); the rest comes from the demo's settings.
    org = json_ld(response)["Organization"]
    assert org["name"] == "PolicyHub" and org["legalName"] == "PolicyHub Institute"
    assert org["sameAs"] == [
        "https://social.example/@policyhub",
        "https://linkedin.example/company/policyhub",
    ]
    assert "This is demonstration content." in response.content.decode()
