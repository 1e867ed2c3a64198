"""The publication page's embeds and share links in a real browser.

Every request the page makes goes through a route that logs it; requests to any other host are
answered by a stub, so nothing leaves the machine and the log shows what a reader's browser
would have asked for.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.test_axe import BLOCKING_IMPACTS, run_axe
from tests.factories import PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def named(action, title):
    """An accessible name "action: title" (Chromium may put a space before the colon)."""
    return re.compile(rf"^{re.escape(action)}\s*:\s*{re.escape(title)}$")


STUB_PLAYER = "<!doctype html><title>stub player</title><p>stub player</p>"


@pytest.fixture
def article():
    return PublicationFactory(
        title="Talks in Hanoi",
        body="<h2>What happened</h2><p>" + "word " * 700 + "</p>",
        authors=[PersonFactory(name="Ana Ruiz")],
        media=(
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ Launch event recording\n"
            "https://soundcloud.com/the-institute/episode-12 Podcast episode 12"
        ),
    )


@pytest.fixture
def logged(page, live_server):
    """``page`` with ``page.requests`` (every URL asked for, in order) and third parties stubbed."""
    own = urlsplit(live_server.url).netloc
    page.requests = []

    def handle(route):
        url = route.request.url
        page.requests.append(url)
        if urlsplit(url).netloc == own:
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body=STUB_PLAYER)

    page.context.route("**/*", handle)
    page.third_party = lambda: [url for url in page.requests if urlsplit(url).netloc != own]
    return page


def test_no_third_party_request_until_the_reader_clicks_play(article, logged):
    errors = []
    logged.on("console", lambda message: message.type == "error" and errors.append(message.text))

    logged.goto(article.get_absolute_url())
    logged.wait_for_load_state("networkidle")

    assert any(url.endswith("/js/embeds.js") for url in logged.requests)
    assert logged.third_party() == []
    assert logged.locator("iframe").count() == 0
    assert logged.get_by_text("4 min read").is_visible()

    logged.get_by_role("button", name=named("Play video", "Launch event recording")).click()
    frame = logged.locator("iframe[title='Launch event recording']")
    frame.wait_for()
    logged.wait_for_load_state("networkidle")

    assert [urlsplit(url).netloc for url in logged.third_party()] == ["www.youtube-nocookie.com"]
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")
    # The CSP let the allowed player host load (a refused frame logs a console error).
    logged.frame_locator("iframe[title='Launch event recording']").get_by_text(
        "stub player"
    ).wait_for()
    assert errors == []
    # The other player is still only a placeholder.
    assert logged.get_by_role("button", name=named("Play audio", "Podcast episode 12")).is_visible()


def test_the_csp_refuses_a_player_from_a_host_not_on_the_list(article, logged):
    logged.goto(article.get_absolute_url())
    errors = []
    logged.on("console", lambda message: message.type == "error" and errors.append(message.text))

    # As if a script had been tampered with: the browser itself refuses the frame.
    logged.evaluate(
        """() => {
            const frame = document.createElement("iframe");
            frame.src = "https://www.youtube.com/embed/dQw4w9WgXcQ";
            document.body.append(frame);
        }"""
    )
    logged.wait_for_timeout(500)

    assert not any("www.youtube.com" in url for url in logged.third_party())
    assert any("frame-src" in error for error in errors)


def test_without_javascript_the_links_are_the_way_to_play_and_share(chromium, live_server, article):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(article.get_absolute_url())

        assert (
            page.get_by_role("button", name=named("Play video", "Launch event recording")).count()
            == 0
        )
        link = page.get_by_role("link", name=named("Watch on YouTube", "Launch event recording"))
        assert link.get_attribute("href") == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        assert page.get_by_role(
            "link", name=named("Listen on SoundCloud", "Podcast episode 12")
        ).is_visible()
        assert page.get_by_role("link", name="LinkedIn").is_visible()
        assert page.get_by_role("button", name="Copy link").count() == 0
    finally:
        context.close()


def test_copy_link_puts_the_page_address_on_the_clipboard(article, logged, live_server):
    logged.context.grant_permissions(["clipboard-read", "clipboard-write"])
    logged.goto(article.get_absolute_url())

    logged.get_by_role("button", name="Copy link").click()

    # The clipboard answers asynchronously; wait_for fails the test if it never says so.
    logged.get_by_role("status").filter(has_text="Link copied.").wait_for()
    copied = logged.evaluate("() => navigator.clipboard.readText()")
    assert copied == live_server.url + article.get_absolute_url()
    assert logged.third_party() == []
    assert logged.context.cookies() == []


def test_the_article_with_embeds_and_share_links_passes_axe(chromium, live_server, article):
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    # Stubbed players, so the audit of a loaded one makes no request either.
    page.context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url)
            else route.fulfill(status=200, content_type="text/html", body=STUB_PLAYER)
        ),
    )
    try:
        page.goto(article.get_absolute_url())
        page.get_by_role("button", name=named("Play audio", "Podcast episode 12")).click()
        page.locator("iframe").wait_for()
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING_IMPACTS]
            assert blocking == [], blocking
    finally:
        context.close()
