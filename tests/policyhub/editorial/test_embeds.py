import pytest
from django.core.exceptions import ValidationError

from policyhub.editorial.embeds import FRAME_HOSTS, embeds_in, parse_embed, parse_embeds


@pytest.mark.parametrize(
    ("url", "provider", "kind", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
            "YouTube",
            "video",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "YouTube",
            "video",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        (
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            "YouTube",
            "video",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1",
        ),
        (
            "https://vimeo.com/76979871",
            "Vimeo",
            "video",
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
        ),
        (
            "https://vimeo.com/76979871/a1b2c3d4e5",
            "Vimeo",
            "video",
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=a1b2c3d4e5",
        ),
        (
            "https://soundcloud.com/the-institute/episode-12",
            "SoundCloud",
            "audio",
            "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fthe-institute"
            "%2Fepisode-12&auto_play=true&show_comments=false",
        ),
        (
            "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk?si=abc",
            "Spotify",
            "audio",
            "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
        ),
    ],
)
def test_a_page_address_of_an_allowed_provider_becomes_its_player(url, provider, kind, player):
    embed = parse_embed(url)

    assert (embed.url, embed.provider, embed.kind, embed.player_url) == (
        url,
        provider,
        kind,
        player,
    )


def test_the_player_is_always_on_a_host_the_csp_allows():
    embed = parse_embed("https://www.youtube.com/watch?v=dQw4w9WgXcQ")

    assert any(embed.player_url.startswith(host + "/") for host in FRAME_HOSTS)
    assert "https://www.youtube.com" not in FRAME_HOSTS


def test_a_label_after_the_address_names_the_player():
    embed = parse_embed("https://youtu.be/dQw4w9WgXcQ   Launch   event recording ")

    assert embed.label == "Launch event recording"
    assert embed.title == "Launch event recording"
    assert parse_embed("https://youtu.be/dQw4w9WgXcQ").title == "YouTube video"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.dailymotion.com/video/x7tgad0",
        "https://www.youtube-nocookie.com.example/embed/dQw4w9WgXcQ",
    ],
)
def test_a_host_not_on_the_list_is_refused_naming_the_allowed_ones(url):
    with pytest.raises(ValidationError) as error:
        parse_embed(url)

    assert error.value.code == "provider"
    message = error.value.messages[0]
    assert "YouTube, Vimeo, SoundCloud, Spotify" in message
    assert "is not one of them" in message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("javascript:alert(1)", "invalid"),
        ("not a url", "invalid"),
        ("https://", "invalid"),
        ("https://[::1/", "invalid"),
        ("https://www.youtube.com/channel/UC123", "item"),
        ("https://www.youtube.com/watch?v=short", "item"),
        ('https://www.youtube.com/embed/"><script>', "item"),
        ("https://vimeo.com/channels/staffpicks", "item"),
        ("https://open.spotify.com/track/4rOoJ6Egrf8K2IrywzwOMk", "item"),
    ],
)
def test_what_is_not_a_single_item_page_is_refused(text, code):
    with pytest.raises(ValidationError) as error:
        parse_embed(text)

    assert error.value.code == code


def test_every_bad_line_is_reported_and_blank_lines_are_ignored():
    text = "https://youtu.be/dQw4w9WgXcQ\n\nhttps://evil.example/a\nhttps://other.example/b\n"

    with pytest.raises(ValidationError) as error:
        parse_embeds(text)

    assert len(error.value.messages) == 2
    assert [e.url for e in parse_embeds("\n https://youtu.be/dQw4w9WgXcQ \n")] == [
        "https://youtu.be/dQw4w9WgXcQ"
    ]


def test_stored_text_that_never_went_through_the_form_renders_only_its_good_lines():
    embeds = embeds_in("https://evil.example/a\nhttps://vimeo.com/76979871 Panel")

    assert [(e.provider, e.label) for e in embeds] == [("Vimeo", "Panel")]
    assert embeds_in("") == embeds_in(None) == []
