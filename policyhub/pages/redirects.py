"""Redirects editors manage: old addresses (a previous site's URLs) sent on to a page or a URL.

Like the automatic old-slug redirects (``policyhub.editorial.redirects``) they are served only on
a 404 to GET/HEAD, so a live page at the same address always wins, and they run after those: an
old slug knows the item's current address. A redirect to a page, publication, tag... readers
cannot see is no redirect (the 404 stands), so it never reveals a draft's address. Loops are
refused by ``Redirect.clean()``, which the admin and the CSV import both run.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone

from options.forms import visible_option_tags
from policyhub.editorial.redirects import kinds_by_url_name
from publications.forms import published_tags

from .models import Page, Redirect

# Hops followed when looking for a loop: a longer chain is refused as well.
MAX_CHAIN = 10
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f\\]")


def normalise_path(value):
    """``https://old.example.org/a//b/?x=1`` → ``/a/b``: the path alone, decoded as Django
    decodes ``path_info``, without a final slash, so /about and /about/ are one address."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        path = urlsplit(value).path if "://" in value else value.split("?")[0].split("#")[0]
    except ValueError:
        return ""
    path = re.sub(r"/{2,}", "/", "/" + unquote(path).replace("\x00", ""))
    return path.rstrip("/") or "/"


def url_error(url):
    """Why ``url`` cannot be a redirect's target, or None: a path on this site or https://."""
    if UNSAFE_CHARACTERS.search(url):
        return "A URL cannot contain spaces, backslashes or control characters."
    if url.startswith("/"):
        # //host is another site's address to a browser.
        return "Start a path with a single /." if url.startswith("//") else None
    try:
        parts = urlsplit(url)
    except ValueError:
        return "Not a valid URL."
    if parts.scheme != "https" or not parts.hostname:
        return "Give a path on this site (/publications/) or an https:// URL."
    return None


def target_path(page, url):
    """The normalised local address a target leads to, or None for another site."""
    if page is not None:
        return normalise_path(page.get_absolute_url())
    return normalise_path(url) if url.startswith("/") else None


def _stored_target(old_path):
    redirect = Redirect.objects.filter(old_path=old_path).select_related("page__parent").first()
    return None if redirect is None else target_path(redirect.page, redirect.url)


def loop_through(old_path, first, lookup=_stored_target):
    """The addresses from ``old_path`` round to itself if following redirects from ``first``
    comes back (or never ends within MAX_CHAIN hops), else None. ``lookup(path)`` gives the
    local target of the redirect at ``path``, or None."""
    chain, path = [old_path], first
    while path is not None:
        chain.append(path)
        if path == old_path or len(chain) > MAX_CHAIN:
            return chain
        path = lookup(path) if path not in chain[:-1] else None
    return None


def check_redirect(redirect, lookup=_stored_target):
    """Raise ValidationError unless ``redirect`` can be saved: normalises its old path first."""
    redirect.old_path = normalise_path(redirect.old_path)
    if redirect.old_path in ("", "/"):
        raise ValidationError({"old_path": "Give the old address, a path such as /old/page/."})
    if bool(redirect.page_id) == bool(redirect.url):
        raise ValidationError("Choose a page or give a URL, not both.")
    if redirect.url and (error := url_error(redirect.url)):
        raise ValidationError({"url": error})
    first = target_path(redirect.page if redirect.page_id else None, redirect.url)
    if first == redirect.old_path:
        raise ValidationError("A redirect cannot lead to its own address.")
    if chain := loop_through(redirect.old_path, first, lookup):
        raise ValidationError(
            "These redirects would go round in a loop: %(chain)s.",
            params={"chain": " → ".join(chain)},
        )


# --- Serving ---------------------------------------------------------------------------------


def redirect_for(request):
    """The redirect readers get at this 404, or None."""
    path = normalise_path(request.path_info)
    redirect = Redirect.objects.filter(old_path=path).first()
    if redirect is None:
        return None
    if redirect.page_id:
        page = Page.objects.visible().for_links().filter(pk=redirect.page_id).first()
        if page is None:
            return None  # a hidden page: its address is not given away
        location = page.get_absolute_url()
    else:
        location = redirect.url
    if target_path(None, location) == path or not _readers_may_see(location):
        return None
    # The query string is kept, as for old slugs: campaign tags still mean the same thing.
    if (query := request.META.get("QUERY_STRING")) and "?" not in location:
        location = f"{location}?{query}"
    if redirect.status == Redirect.Kind.TEMPORARY:
        return HttpResponseRedirect(location)
    return HttpResponsePermanentRedirect(location)


def _readers_may_see(location):
    """False when a local ``location`` is a hidden item's page: the redirect would give away
    its address (a draft's slug, a tag only drafts use)."""
    if not location.startswith("/"):
        return True
    try:
        match = resolve(urlsplit(location).path)
    except (Resolver404, ValueError):
        return True  # a 404 there too, which tells nothing
    slug = match.kwargs.get("slug")
    if match.view_name == "pages:page":
        return Page.objects.visible().at_path(match.kwargs["path"]).exists()
    if match.view_name in TAG_URL_NAMES:
        return (published_tags() | visible_option_tags()).filter(slug=slug).exists()
    if (kind := kinds_by_url_name().get(match.view_name)) is not None and slug:
        return kind.visible().filter(slug=slug).exists()
    return True


class RedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return redirect_for(request) or response
        return response


# --- Tag merges ------------------------------------------------------------------------------

TAG_URL_NAMES = ["tag", "tag_feed", "tag_atom_feed"]


def _tag_address(name, slug):
    """The tag page's or feed's path, or None for a slug no tag address takes ("n.-korea")."""
    try:
        return reverse(name, kwargs={"slug": slug})
    except NoReverseMatch:
        return None


def redirect_merged_tags(sender, survivor, merged_slugs, **kwargs):
    """Leave each merged tag's page and feeds pointing at the surviving tag's."""
    for name in TAG_URL_NAMES:
        new = _tag_address(name, survivor.slug)
        if new is None:
            return  # the survivor has no page to send readers to
        # The survivor answers at its own address again; a redirect left there could loop.
        Redirect.objects.filter(old_path=normalise_path(new)).delete()
        for slug in merged_slugs:
            old = _tag_address(name, slug)
            if old is None:
                continue
            # Earlier merges into this tag now lead straight to the survivor, in one hop.
            Redirect.objects.filter(url=old).update(url=new, updated_at=timezone.now())
            Redirect.objects.update_or_create(
                old_path=normalise_path(old),
                defaults={"url": new, "page": None, "status": Redirect.Kind.PERMANENT},
            )


# --- CSV import ------------------------------------------------------------------------------

COLUMNS = ["old_path", "target", "status"]


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors  # [(line number, message)]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)


def _decode(data):
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailed([(line, "Not UTF-8 text: save the file as CSV UTF-8.")]) from None


def _rows(text):
    """(line number, cells) for each non-blank row; csv errors become ImportFailed."""
    reader = csv.reader(io.StringIO(text, newline=""))
    first = True
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if first and [cell.lower() for cell in cells[:2]] == COLUMNS[:2]:
                first = False
                continue  # the header
            first = False
            yield reader.line_num, cells
    except csv.Error as error:
        raise ImportFailed([(reader.line_num, f"Not readable as CSV: {error}.")]) from None


def _parse(line, cells):
    """An unsaved Redirect from one row, or raise ValidationError."""
    if len(cells) not in (2, 3):
        raise ValidationError(
            f"Expected the columns old_path,target,status; found {len(cells)} column(s)."
        )
    old_path, target, status = (cells + [""])[:3]
    status = status or "301"
    if status not in ("301", "302"):
        raise ValidationError(f"Status must be 301 or 302, not “{status[:20]}”.")
    if not target:
        raise ValidationError("No target.")
    redirect = Redirect(old_path=old_path, status=int(status))
    # A target that is a page's address follows the page if it moves later.
    page = Page.objects.at_path(target.split("?")[0]).first() if target.startswith("/") else None
    if page is not None and target.split("?")[0].strip("/") == page.path:
        redirect.page = page
    else:
        redirect.url = target
    return redirect


def import_redirects(data):
    """Create or update a Redirect per row of ``data`` (CSV bytes or text: old_path,target,
    status). All or nothing: any bad line raises ImportFailed with every error by line."""
    text = _decode(data)
    parsed, errors, lines = [], [], {}
    for line, cells in _rows(text):
        try:
            redirect = _parse(line, cells)
            redirect.old_path = normalise_path(redirect.old_path)
            if redirect.old_path in lines:
                raise ValidationError(
                    f"{redirect.old_path} is also on line {lines[redirect.old_path]}."
                )
        except ValidationError as error:
            errors.append((line, " ".join(error.messages)))
            continue
        lines[redirect.old_path] = line
        parsed.append((line, redirect))
    if not parsed and not errors:
        errors.append((1, "No redirects in the file."))

    # Loops are looked for over the stored redirects and the file's together.
    targets = {
        r.old_path: target_path(r.page, r.url)
        for r in Redirect.objects.select_related("page__parent__parent")
    }
    targets.update({r.old_path: target_path(r.page, r.url) for _, r in parsed})
    for line, redirect in parsed:
        try:
            check_redirect(redirect, lookup=targets.get)
        except ValidationError as error:
            errors.append((line, " ".join(error.messages)))
    if errors:
        raise ImportFailed(sorted(errors))

    existing = {r.old_path: r for r in Redirect.objects.filter(old_path__in=list(lines))}
    now = timezone.now()
    new, changed = [], []
    for _, redirect in parsed:
        if (stored := existing.get(redirect.old_path)) is not None:
            stored.page, stored.url, stored.status = redirect.page, redirect.url, redirect.status
            stored.updated_at = now
            changed.append(stored)
        else:
            new.append(redirect)
    # Bulk writes: a redirect changes no page readers are shown, so no cache to retire.
    with transaction.atomic():
        Redirect.objects.bulk_create(new, batch_size=500)
        Redirect.objects.bulk_update(
            changed, ["page", "url", "status", "updated_at"], batch_size=500
        )
    return ImportResult(created=len(new), updated=len(changed))
