"""The publication page's reading aids: embeds, reading time, share links, related cards, print."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from django.urls import reverse

from publications.models import Publication
from tests.admin_forms import change_form_data
from tests.factories import PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
SPOTIFY = "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk"


def html_of(client, publication):
    response = client.get(publication.get_absolute_url())
    assert response.status_code == 200
    return response, response.content.decode()


def test_embeds_are_placeholders_with_a_link_and_no_third_party_resource(client):
    publication = PublicationFactory(media=f"{YOUTUBE} Launch event\n{SPOTIFY}")

    response, html = html_of(client, publication)

    assert html.count('class="embed embed--') == 2
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    assert 'data-embed-title="Launch event"' in html
    assert 'data-embed-title="Spotify audio"' in html
    # The fallback without JavaScript: a link to the provider's own page.
    assert f'<a class="embed__link" href="{unescape(YOUTUBE)}"' in unescape(html)
    assert "Listen on Spotify" in html
    # The button that loads the player is hidden until the script shows it.
    assert re.search(r'<button type="button" class="embed__play" hidden>', html)
    # Nothing on the page loads from another host: no iframe, and every src is the site's own.
    assert "<iframe" not in html
    sources = re.findall(r'\s(?:src|srcset)="([^"]*)"', html)
    assert sources and all(not re.match(r"(?:https?:)?//", src) for src in sources)
    assert re.search(r'<script src="[^"]*js/embeds\.js" defer></script>', html)


def test_a_page_without_embeds_does_not_load_the_embed_script(client):
    _, html = html_of(client, PublicationFactory(media=""))

    assert "embeds.js" not in html
    assert 'class="embeds"' not in html


def test_a_stored_address_from_another_host_is_never_embedded(client):
    # Saved without the form (an import or a script): the page skips it rather than fail.
    publication = PublicationFactory(media=f"https://evil.example/player\n{YOUTUBE}")

    _, html = html_of(client, publication)

    assert "evil.example" not in html
    assert html.count('class="embed embed--') == 1


def test_the_csp_frame_src_names_only_the_allowed_player_hosts(client):
    response, _ = html_of(client, PublicationFactory(media=YOUTUBE))

    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
        if " " in part.strip()
    )
    assert sorted(policy["frame-src"].split()) == [
        "https://open.spotify.com",
        "https://player.vimeo.com",
        "https://w.soundcloud.com",
        "https://www.youtube-nocookie.com",
    ]
    assert policy["default-src"] == "'self'"


def test_the_admin_refuses_a_host_not_on_the_list_with_a_clear_message(admin_client):
    publication = PublicationFactory()
    url, data = change_form_data(admin_client, publication)
    data["media"] = f"{YOUTUBE}\nhttps://www.dailymotion.com/video/x7tgad0"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["media"]
    assert any(
        "only be embedded from YouTube, Vimeo, SoundCloud, Spotify" in error
        and "www.dailymotion.com" in error
        for error in errors
    )
    publication.refresh_from_db()
    assert publication.media == ""


def test_the_admin_saves_allowed_addresses(admin_client):
    # A draft: edits of a published item wait for review as pending changes.
    publication = PublicationFactory(draft=True)
    url, data = change_form_data(admin_client, publication)
    data["media"] = f"{YOUTUBE} Launch event"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    publication.refresh_from_db()
    assert [e.label for e in publication.embeds] == ["Launch event"]


def test_reading_time_and_word_count_are_on_the_page(client):
    words = " ".join(["word"] * 500)
    _, html = html_of(client, PublicationFactory(body=f"<p>{words}</p><p>and one</p>"))

    assert "3 min read" in html
    assert "(502 words)" in html


def test_an_empty_body_has_no_reading_time(client):
    _, html = html_of(client, PublicationFactory(body=""))

    assert "min read" not in html


def test_the_admin_shows_the_word_count_in_the_list_and_the_change_form(admin_client):
    publication = PublicationFactory(title="Counted", body="<p>" + "word " * 1200 + "</p>")

    changelist = admin_client.get(reverse("admin:publications_publication_changelist"))
    change = admin_client.get(
        reverse("admin:publications_publication_change", args=[publication.pk])
    )

    assert "1,200 (6 min read)" in changelist.content.decode()
    assert "1,200 (6 min read)" in change.content.decode()


def test_share_links_are_plain_links_with_the_page_address(client):
    publication = PublicationFactory(title="Sanctions & relief?", slug="sanctions-relief")

    _, html = html_of(client, publication)

    url = "http://testserver" + publication.get_absolute_url()
    encoded_url, encoded_title = quote(url, safe=""), quote("Sanctions & relief?", safe="")
    share = unescape(re.search(r'<section class="share".*?</section>', html, re.S)[0])
    hrefs = re.findall(r'href="([^"]*)"', share)
    assert hrefs == [
        f"mailto:?subject={encoded_title}&body={encoded_url}",
        f"https://www.linkedin.com/sharing/share-offsite/?url={encoded_url}",
        f"https://bsky.app/intent/compose?text={quote('Sanctions & relief? ' + url, safe='')}",
        f"https://x.com/intent/post?text={encoded_title}&url={encoded_url}",
        f"https://www.facebook.com/sharer/sharer.php?u={encoded_url}",
    ]
    assert f'data-copy-url="{url}"' in share
    assert '<li class="share__copy" hidden>' in share
    assert re.search(r'<script src="[^"]*js/share\.js" defer></script>', html)
    # No cookie is set for a reader.
    assert not client.cookies


def test_related_cards_show_type_date_authors_and_summary(client):
    author = PersonFactory(name="Ana Ruiz")
    chosen = PublicationFactory(
        title="Chosen one", summary="Why the talks stalled.", authors=[author]
    )
    similar = PublicationFactory(
        title="Similar one", summary="Aid under sanctions.", tags=["sanctions"]
    )
    publication = PublicationFactory(related=[chosen], tags=["sanctions"])

    _, html = html_of(client, publication)

    related = unescape(re.search(r'<section class="related".*?</section>', html, re.S)[0])
    assert chosen.publication_type.name in related
    assert f"{chosen.published_at:%Y-%m-%d}" in related
    assert f'By <a href="{author.get_absolute_url()}">Ana Ruiz</a>' in related
    assert "Why the talks stalled." in related
    assert "Aid under sanctions." in related
    assert similar.get_absolute_url() in related
    assert "Recommended by our editors" in related
    assert "chosen by the editors" not in related.lower()


def test_the_printout_names_the_site_and_the_page_address(client, settings):
    publication = PublicationFactory(slug="printed")

    _, html = html_of(client, publication)

    line = re.search(r'<p class="print-only print-source">(.*?)</p>', html, re.S)[1]
    assert settings.SITE_NAME in unescape(line)
    assert "http://testserver" + publication.get_absolute_url() in line


def test_the_print_stylesheet_shows_the_source_line(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/print.css")) as stylesheet:
        css = stylesheet.read()
    assert re.search(r"\.print-only\s*\{\s*display:\s*block", css)


def test_media_edits_keep_the_counts(client):
    publication = PublicationFactory()
    publication = Publication.objects.get(pk=publication.pk)
    publication.media = YOUTUBE
    publication.save()

    assert publication.changed_only_uncounted_fields()
