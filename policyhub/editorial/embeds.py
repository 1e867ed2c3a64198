"""Video and audio embeds from an allow-list of providers fixed in code.

Editors paste the address they see in their browser (one per line, optionally followed by a
label); only the providers below are accepted, and the player address is built here from the
item's id, never taken from the editor. The CSP's ``frame-src`` lists ``FRAME_HOSTS`` and nothing
else (settings.py), so widening the list is a code change and a review.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str  # "video" or "audio": the player's shape on the page
    hosts: frozenset
    frame_host: str

    def player_url(self, parts):
        raise NotImplementedError


class YouTube(Provider):
    ID = re.compile(r"^[A-Za-z0-9_-]{11}$")

    def player_url(self, parts):
        path = parts.path.strip("/").split("/")
        if parts.hostname == "youtu.be":
            video = path[0]
        elif path[0] == "watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif path[0] in ("embed", "shorts", "live") and len(path) > 1:
            video = path[1]
        else:
            return None
        # The privacy-enhanced player: no cookies until the reader plays the video.
        if not self.ID.match(video):
            return None
        return f"https://{self.frame_host}/embed/{video}?autoplay=1"


class Vimeo(Provider):
    ID = re.compile(r"^(?:video/)?(\d+)(?:/([0-9a-f]+))?$")

    def player_url(self, parts):
        match = self.ID.match(parts.path.strip("/"))
        if not match:
            return None
        video, private_hash = match.groups()
        extra = f"&h={private_hash}" if private_hash else ""
        return f"https://{self.frame_host}/video/{video}?dnt=1&autoplay=1{extra}"


class SoundCloud(Provider):
    PATH = re.compile(r"^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+(?:/s-[A-Za-z0-9]+)?$")

    def player_url(self, parts):
        path = parts.path.strip("/")
        if not self.PATH.match(path):
            return None
        track = quote(f"https://soundcloud.com/{path}", safe="")
        return f"https://{self.frame_host}/player/?url={track}&auto_play=true&show_comments=false"


class Spotify(Provider):
    PATH = re.compile(r"^(episode|show)/([A-Za-z0-9]{22})$")

    def player_url(self, parts):
        match = self.PATH.match(parts.path.strip("/"))
        return f"https://{self.frame_host}/embed/{match[1]}/{match[2]}" if match else None


PROVIDERS = (
    YouTube(
        "YouTube",
        "video",
        frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}),
        "www.youtube-nocookie.com",
    ),
    Vimeo("Vimeo", "video", frozenset({"vimeo.com", "www.vimeo.com"}), "player.vimeo.com"),
    SoundCloud(
        "SoundCloud",
        "audio",
        frozenset({"soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"}),
        "w.soundcloud.com",
    ),
    Spotify("Spotify", "audio", frozenset({"open.spotify.com"}), "open.spotify.com"),
)

FRAME_HOSTS = tuple(f"https://{provider.frame_host}" for provider in PROVIDERS)
PROVIDER_NAMES = ", ".join(provider.name for provider in PROVIDERS)


@dataclass(frozen=True)
class Embed:
    url: str  # what the editor pasted: the fallback link
    player_url: str  # loaded only on the reader's click, so it starts playing
    provider: str
    kind: str
    label: str

    @property
    def title(self):
        """The iframe's accessible name."""
        return self.label or f"{self.provider} {self.kind}"


def parse_embed(line):
    """The ``Embed`` for one line ("URL" or "URL label"); ``ValidationError`` if its address is
    not a page of an allowed provider."""
    url, _, label = line.strip().partition(" ")
    label = " ".join(label.split())
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise ValidationError(
            "“%(url)s” is not a web address. Paste the address of the video or audio page.",
            code="invalid",
            params={"url": url},
        )
    provider = next((p for p in PROVIDERS if host in p.hosts), None)
    if provider is None:
        raise ValidationError(
            "Video and audio can only be embedded from %(providers)s; “%(host)s” is not one of "
            "them. Link to it from the text instead.",
            code="provider",
            params={"providers": PROVIDER_NAMES, "host": host},
        )
    player_url = provider.player_url(parts)
    if player_url is None:
        raise ValidationError(
            "“%(url)s” is not the address of a single %(provider)s video or episode. Use the "
            "address of the item's own page (its share link).",
            code="item",
            params={"url": url, "provider": provider.name},
        )
    return Embed(url, player_url, provider.name, provider.kind, label)


def parse_embeds(text):
    """Every line's ``Embed``, in order; one ``ValidationError`` listing each bad line."""
    embeds, errors = [], []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        try:
            embeds.append(parse_embed(line))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return embeds


def validate_embeds(text):
    parse_embeds(text)


def embeds_in(text):
    """The valid lines' ``Embed``s, skipping any that fail: text stored without the form's
    validation (an import, a script) never breaks the page."""
    embeds = []
    for line in (text or "").splitlines():
        if line.strip():
            try:
                embeds.append(parse_embed(line))
            except ValidationError:
                continue
    return embeds
