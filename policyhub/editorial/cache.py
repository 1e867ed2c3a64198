"""Whole-page cache for anonymous readers, shared by every app server through the cache backend.

Two middleware classes, as with Django's own cache middleware, because the halves need different
places in ``MIDDLEWARE``:

- ``PageCacheUpdateMiddleware`` comes first, so it sees the finished response (cookies set by the
  session, CSRF and messages middleware, the final ``Vary``) and stores it only when it is the same
  for every anonymous reader.
- ``PageCacheFetchMiddleware`` comes last, after the CSP middleware, and answers a hit before the
  view runs. The hit then travels back out through every other middleware, so the CSP middleware
  writes a header with *this* request's nonce. A stored page keeps a placeholder where its
  nonce was, and the hit puts this request's nonce there: no two responses share a nonce.

Invalidation is one write: keys carry a *generation* token kept in the cache, and any change to
content readers see (signals below) replaces the token, on every server at once when the cache is
Redis. Scheduled items need no cron either: an entry never outlives the next go-live time
(``next_go_live()``, which also tells ``pending.ScheduledChangesMiddleware`` when scheduled
pending changes are due).

A cache that fails (down, or hung until the socket timeout) is skipped by this process for
``RETRY_AFTER_SECONDS``: pages are then served uncached at their normal speed instead of waiting
on it call after call. Invalidations are always attempted.

``remember()`` keeps computed data (the publication list's facet counts) by the same rules, for
the requests the page cache cannot answer (editors, every combination of filters and pages).
"""

import hashlib
import logging
import math
import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from redis.exceptions import RedisError

from .models import publishable_models
from .pending import in_working_copy

logger = logging.getLogger("policyhub.editorial.cache")

GENERATION_KEY = "pagecache:generation"
# A second token for counts (facets, totals): replaced by every change except an edit confined to
# a publication's text, which leaves every count as it was.
COUNTS_GENERATION_KEY = "pagecache:counts-generation"
# When the generation was last replaced (a timestamp): the API's Last-Modified.
CHANGED_AT_KEY = "pagecache:changed-at"
# What readers see: content apps add their labels (``watch()``) from ``AppConfig.ready()``.
WATCHED_APPS = set()
WATCHED_MODELS = set()

# Computed by the response, or by the outer middleware, on every request.
UNSTORED_HEADERS = {
    "content-length",
    "content-security-policy",
    "content-security-policy-report-only",
    "set-cookie",
    "x-cache",
}
# What an unreachable cache raises (Redis; a socket error from any other backend).
CACHE_ERRORS = (RedisError, OSError)
CACHEABLE_VARY = {"accept-encoding", "cookie"}
UNCACHEABLE_CACHE_CONTROL = {"private", "no-store", "no-cache"}


# Availability -------------------------------------------------------------------------------

RETRY_AFTER_SECONDS = 10
# When this process last saw the cache fail (time.monotonic()), or None.
_failed_at = None


def cache_available():
    """False for RETRY_AFTER_SECONDS after a failure: each call to a hung cache costs a socket
    timeout, and a page makes several."""
    return _failed_at is None or time.monotonic() - _failed_at >= RETRY_AFTER_SECONDS


def cache_failed(message=None):
    """Note a failed cache call (from inside its ``except``, which ``message`` logs): skip the
    cache for a while."""
    global _failed_at
    _failed_at = time.monotonic()
    if message:
        logger.warning("%s; skipped for %s s", message, RETRY_AFTER_SECONDS, exc_info=True)


def reset_availability():
    """Try the cache again on the next call (a health check that reached it; tests)."""
    global _failed_at
    _failed_at = None


# Generation ---------------------------------------------------------------------------------


def current_generation(key=GENERATION_KEY):
    generation = cache.get(key)
    if generation is None:
        # A random token, never a counter: if the key is evicted, a fresh token cannot collide
        # with one that older entries still carry.
        cache.add(key, secrets.token_hex(8), timeout=None)
        generation = cache.get(key)
    return generation


def invalidate(counts=True):
    """Retire every cached page, on every server sharing the cache; and every cached count,
    unless the change cannot have moved one."""
    try:
        keys = [GENERATION_KEY, COUNTS_GENERATION_KEY] if counts else [GENERATION_KEY]
        tokens = {key: secrets.token_hex(8) for key in keys}
        cache.set_many({**tokens, CHANGED_AT_KEY: time.time()}, timeout=None)
    except CACHE_ERRORS:
        # An unreachable cache holds no pages to retire; the edit itself must not fail.
        cache_failed("Page cache: could not invalidate")


def _moves_counts(sender, instance, action, pk_set, created):
    if action is not None:
        # m2m_changed: adding or removing nothing (the admin re-saving unchanged relations)
        # changes nothing; a clear has no pk_set and counts as a change.
        return pk_set is None or bool(pk_set)
    if hasattr(sender, "instance_type"):
        return False  # the revision history (simple_history's models)
    if created is not False:
        return True  # a new row, or a delete
    only_uncounted = getattr(instance, "changed_only_uncounted_fields", None)
    return only_uncounted is None or not only_uncounted()


def _content_changed(
    sender, using="default", action=None, instance=None, pk_set=None, created=None, **kwargs
):
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: pre_add etc.
    if in_working_copy():
        return  # rolled back: readers never see it (pending changes, pending.py)
    meta = sender._meta
    if meta.app_label not in WATCHED_APPS and meta.label_lower not in WATCHED_MODELS:
        return
    counts = _moves_counts(sender, instance, action, pk_set, created)
    # Now, for this request; and again after commit, because between the two another server may
    # have rendered the old rows under the new generation.
    invalidate(counts)
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: invalidate(counts), using=using)


def watch(*labels):
    """Changes to these apps (``"publications"``) or models (``"search.synonym"``) retire pages."""
    for label in labels:
        (WATCHED_MODELS if "." in label else WATCHED_APPS).add(label.lower())


def connect():
    """Any save, delete or m2m change in a watched app retires the cached pages.

    Wider than strictly needed (an authorship row, a tagged item, a track): cheap, and no page
    can be missed. ``QuerySet.update()`` and ``bulk_create()`` send no signals: run
    ``manage.py clear_page_cache`` after them.
    """
    uid = "policyhub.editorial.cache"
    post_save.connect(_content_changed, dispatch_uid=f"{uid}.save")
    for model in publishable_models():
        post_save.connect(_schedule_touched, sender=model, dispatch_uid=f"{uid}.schedule")
    post_delete.connect(_content_changed, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(_content_changed, dispatch_uid=f"{uid}.m2m")


# When something goes live next -------------------------------------------------------------
#
# One answer serves the page cache (no entry outlives it) and the scheduled pending changes
# (``pending.ScheduledChangesMiddleware`` publishes them once it has passed): the earliest of a
# scheduled item's publish time and a scheduled pending change's go-live time.

NEXT_GO_LIVE_KEY = "editorial:next-go-live"
# Replaced by every save that may add or bring forward a go-live time (``schedule_changed()``):
# a stored answer computed under an older generation is never used, even if it is written after the
# change (a request that read the rows just before it).
SCHEDULE_GENERATION_KEY = "editorial:schedule-generation"


def _next_go_live_after(at):
    """In one query: the earliest publish time after ``at`` of any publishable item, or of any
    scheduled pending change whether its time has passed or not (it is live only once applied)."""
    from .models import PendingChange

    scheduled = [
        model.objects.scheduled(at=at).order_by().values_list("published_at")
        for model in publishable_models()
    ]
    pending = (
        PendingChange.objects.filter(state=PendingChange.State.SCHEDULED)
        .order_by()
        .values_list("go_live_at")
    )
    first = pending.union(*scheduled, all=True).order_by("go_live_at").first()
    return first[0].timestamp() if first is not None else None


def _still_holds(entry, generation, at_ts):
    if entry is None or generation is None or entry["generation"] != generation:
        return False
    return entry["computed_at"] <= at_ts and (entry["next"] is None or entry["next"] > at_ts)


def next_go_live(at):
    """When what readers see next changes by itself (a timestamp, or None), as of ``at``.

    A stored answer "computed at c: next is n" still holds for any ``at`` in [c, n) as long as
    the schedule generation is the one it was computed under. When the cache fails, the
    database answers (one query).
    """
    at_ts = at.timestamp()
    stored = {}
    if cache_available():  # a hung cache would cost every request its socket timeout
        try:
            stored = cache.get_many([SCHEDULE_GENERATION_KEY, NEXT_GO_LIVE_KEY])
        except CACHE_ERRORS:
            cache_failed("Next go-live time: cache unavailable")
            stored = None
    generation = (stored or {}).get(SCHEDULE_GENERATION_KEY)
    entry = (stored or {}).get(NEXT_GO_LIVE_KEY)
    if _still_holds(entry, generation, at_ts):
        return entry["next"]
    next_ts = _next_go_live_after(at)
    if stored is not None and cache_available():
        try:
            if generation is None:
                generation = secrets.token_hex(8)
                if not cache.add(SCHEDULE_GENERATION_KEY, generation, timeout=None):
                    return next_ts  # another request set one meanwhile: it may be newer
            entry = {"generation": generation, "computed_at": at_ts, "next": next_ts}
            cache.set(NEXT_GO_LIVE_KEY, entry, timeout=None)
        except CACHE_ERRORS:
            cache_failed("Next go-live time: could not store")
    return next_ts


def _new_schedule_generation():
    try:
        cache.set(SCHEDULE_GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except CACHE_ERRORS:
        # An unreachable cache serves no stored answer; the save itself must not fail.
        cache_failed("Next go-live time: could not retire the stored answer")


def schedule_changed(**kwargs):
    """A go-live time may have been added or brought forward: stored answers are retired.

    Now, and again once committed: another request may have read the old rows meanwhile."""
    _new_schedule_generation()
    transaction.on_commit(_new_schedule_generation)


def _schedule_touched(sender, instance=None, **kwargs):
    # Only a save that leaves an item scheduled can add or bring forward a time; one that
    # removes or delays a time leaves an answer that is early, which is merely asked again.
    if in_working_copy():
        return
    try:
        scheduled = getattr(instance, "is_scheduled", False)
    except TypeError:
        # A publish time given as text (a script's create()) is parsed only when read back.
        scheduled = True
    if scheduled:
        schedule_changed()


def _publish_times_around(at):
    """(the last publish time up to ``at``, the next one after it): one query per model."""
    last, following = [], []
    for model in publishable_models():
        times = model.objects.filter(status=model.Status.PUBLISHED).aggregate(
            last=Max("published_at", filter=Q(published_at__lte=at)),
            next=Min("published_at", filter=Q(published_at__gt=at)),
        )
        last += [times["last"].timestamp()] if times["last"] else []
        following += [times["next"].timestamp()] if times["next"] else []
    return max(last, default=None), min(following, default=None)


def last_change_time(at):
    """When what readers see last changed, as a timestamp, at ``at``: the last change that
    replaced the generation, or the last publish time passed since (a scheduled item appears
    without a save), whichever is later. Never earlier than the truth: a cache that lost the
    time, or cannot be reached, answers ``at``.

    The publish times are cached per generation (any save replaces it): a stored answer "at c,
    the last was l, the next is n" holds for any time in [c, n). Unlike ``next_go_live()`` it
    needs the last time passed too, so it keeps its own answer.
    """
    at_ts = at.timestamp()
    if not cache_available():
        return at_ts
    try:
        changed = cache.get(CHANGED_AT_KEY)
        if changed is None:
            cache.add(CHANGED_AT_KEY, at_ts, timeout=None)
            changed = cache.get(CHANGED_AT_KEY, at_ts)
        key = f"pagecache:{current_generation()}:last-publish"
        stored = cache.get(key)
        if stored is None or not stored[0] <= at_ts or (stored[2] and stored[2] <= at_ts):
            stored = (at_ts, *_publish_times_around(at))
            cache.set(key, stored, timeout=settings.PAGE_CACHE_SECONDS)
    except CACHE_ERRORS:
        cache_failed("Page cache: unavailable")
        return at_ts
    return min(max(changed, stored[1] or 0), at_ts)


# Data derived from content ------------------------------------------------------------------


# One process computes a missing value while the others wait for it (up to this long), rather
# than every worker recounting the same facets at once after a publish.
COMPUTE_LOCK_SECONDS = 30
WAIT_FOR_OTHERS_SECONDS = 5
WAIT_STEP_SECONDS = 0.05


def remember(name, compute, *, counts=False):
    """``compute()``, cached like a page: under the content generation, never past the next
    publish time. ``name`` must say everything the value depends on besides the content.
    ``counts``: the value is made of counts only (no titles, no text), so it is kept across
    edits of a publication's text (``Publication.UNCOUNTED_FIELDS``).

    While one process computes a missing value, others asking for it wait for that one
    (``WAIT_FOR_OTHERS_SECONDS`` at most, then compute it themselves)."""
    return remember_many(
        {name: name}, lambda missing: {name: compute()}, counts=counts, single_flight=True
    )[name]


def remember_many(names, compute, *, counts=False, single_flight=False):
    """``{item: value}`` for every item of ``names`` (``{item: name}``), like ``remember()`` but
    in one cache round trip; ``compute(missing_items)`` returns ``{item: value}`` for the rest.
    ``single_flight``: see ``remember()`` (for one costly value, not many cheap ones)."""
    started = timezone.now()
    if not cache_available():
        return compute(list(names))
    try:
        generation = current_generation(COUNTS_GENERATION_KEY if counts else GENERATION_KEY)
        keys = {
            item: f"pagecache:{generation}:data:{hashlib.sha256(name.encode()).hexdigest()}"
            for item, name in names.items()
        }
        entries = cache.get_many(keys.values())
    except CACHE_ERRORS:
        cache_failed("Data cache: unavailable")
        return compute(list(names))
    found = _fresh(keys, entries, started)
    missing = [item for item in names if item not in found]
    if not missing:
        return found
    lock = None
    if single_flight:
        lock, waited = _take_turn(keys, missing, started)
        if waited:
            return {**found, **waited}
    try:
        computed = compute(missing)
        _store_data(keys, computed, started)
    finally:
        if lock is not None:
            _release(lock)
    return {**found, **computed}


def _fresh(keys, entries, started):
    found = {}
    for item, key in keys.items():
        entry = entries.get(key)
        if entry is not None and entry["expires"] > started.timestamp():
            found[item] = entry["value"]
    return found


def _take_turn(keys, missing, started):
    """(our lock key or None, {item: value} another process computed meanwhile)."""
    lock = f"{keys[missing[0]]}:computing"
    try:
        if cache.add(lock, 1, timeout=COMPUTE_LOCK_SECONDS):
            return lock, {}
        deadline = time.monotonic() + WAIT_FOR_OTHERS_SECONDS
        wanted = {item: keys[item] for item in missing}
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP_SECONDS)
            waited = _fresh(wanted, cache.get_many(wanted.values()), started)
            if len(waited) == len(missing):
                return None, waited
            if cache.get(lock) is None:  # the other process failed, or the entry expired
                break
    except CACHE_ERRORS:
        cache_failed("Data cache: unavailable")
    return None, {}


def _release(lock):
    try:
        cache.delete(lock)
    except CACHE_ERRORS:
        cache_failed("Data cache: could not release a lock")


def _store_data(keys, computed, started):
    if not cache_available():
        return
    try:
        expires = expiry(started)
        timeout = math.floor(expires - timezone.now().timestamp())
        if timeout >= 1:
            cache.set_many(
                {
                    keys[item]: {"value": value, "expires": expires}
                    for item, value in computed.items()
                },
                timeout=timeout,
            )
    except CACHE_ERRORS:
        cache_failed("Data cache: could not store")


# Requests and entries -----------------------------------------------------------------------


def is_candidate(request):
    """Could a cached page answer this request? Editors and anything private never qualify."""
    if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(tuple(settings.PAGE_CACHE_EXCLUDED_PATHS)):
        return False
    # A session means an editor (or a reader with state); messages would be shown once, to them.
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _encodings(request):
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    tokens = {part.split(";")[0].strip().lower() for part in accepted.split(",")}
    return ",".join(sorted(tokens & {"br", "gzip", "zstd"}))


def _query(request):
    """The parameters pages read, in one order (``?b=1&a=2`` is ``?a=2&b=1``): the views read
    them by name, so the order and any other parameter change nothing they render."""
    known = settings.PAGE_CACHE_QUERY_PARAMETERS
    return urlencode(
        [
            (name, value)
            for name, values in sorted(request.GET.lists())
            if name in known
            for value in values
        ]
    )


def _only_known_parameters(request):
    # Their pages link to themselves with the query kept, so ?utm_id=x is not the page everyone
    # else gets; and made-up parameters would each store a page.
    known = settings.PAGE_CACHE_QUERY_PARAMETERS
    return all(name in known for name in request.GET)


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def page_key(request, generation):
    # Vary: Accept-Encoding, always honoured: one entry per set of encodings the client accepts.
    identity = f"{request.build_absolute_uri(request.path)}?{_query(request)}|{_encodings(request)}"
    return f"pagecache:{generation}:page:{_digest(identity)}"


def _variants_key(request, generation):
    return f"pagecache:{generation}:variants:{_digest(request.build_absolute_uri(request.path))}"


def _storable(request, response):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or not _only_known_parameters(request):
        return False
    if len(response.content) > settings.PAGE_CACHE_MAX_BYTES:
        return False
    cache_control = {
        part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")
    }
    if cache_control & UNCACHEABLE_CACHE_CONTROL:
        return False
    # Vary: Cookie is what any page reading the session gets; the request carried no session
    # (is_candidate), so the page is the one every cookie-less reader gets.
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    return vary <= CACHEABLE_VARY


def expiry(started):
    """When something computed from the content as of ``started`` goes stale.

    It was computed without what appears at the next go-live time: it must not outlive it.
    """
    expires = started.timestamp() + settings.PAGE_CACHE_SECONDS
    next_change = next_go_live(started)
    if next_change is not None:
        expires = min(expires, next_change)
    return expires


def _store(request, response, pending):
    now = timezone.now()
    expires = expiry(pending["started"])
    timeout = math.floor(expires - now.timestamp())
    if timeout < 1 or not _admit_variant(request, pending["generation"]):
        return
    content = response.content
    nonce = getattr(request, "_csp_nonce", None)
    placeholder = None
    if isinstance(nonce, str) and nonce.encode() in content:
        placeholder = secrets.token_hex(16)
        content = content.replace(nonce.encode(), placeholder.encode())
    entry = {
        "status": response.status_code,
        "headers": [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in UNSTORED_HEADERS
        ],
        "content": content,
        "nonce_placeholder": placeholder,
        "expires": expires,
    }
    cache.set(pending["key"], entry, timeout=timeout)


def _admit_variant(request, generation):
    """Count one more stored variant of this path; False past PAGE_CACHE_MAX_VARIANTS.

    Counted per generation (a change retires them all) and kept as long as a page may be.
    """
    key = _variants_key(request, generation)
    cache.add(key, 0, timeout=settings.PAGE_CACHE_SECONDS)
    try:
        stored = cache.incr(key)
    except ValueError:
        return False  # the counter expired just now: the next request starts a new one
    return stored <= settings.PAGE_CACHE_MAX_VARIANTS


def _response_from(entry, request):
    content = entry["content"]
    if entry["nonce_placeholder"]:
        # Reading csp_nonce makes the CSP middleware (outside this one) put it in the header.
        nonce = str(request.csp_nonce).encode()
        content = content.replace(entry["nonce_placeholder"].encode(), nonce)
    response = HttpResponse(content, status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response["X-Cache"] = "hit"
    return response


# Middleware ---------------------------------------------------------------------------------


class PageCacheFetchMiddleware:
    """Last in MIDDLEWARE: answer from the cache, or note where the response should be stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_candidate(request) or not cache_available():
            return self.get_response(request)
        # The time the scheduled changes were checked at: what the page shows is as of then.
        started = getattr(request, "go_live_checked_at", None) or timezone.now()
        try:
            generation = current_generation()
            key = page_key(request, generation)
            entry = cache.get(key)
        except CACHE_ERRORS:
            # A cache outage costs speed, not pages.
            cache_failed("Page cache: unavailable")
            return self.get_response(request)
        if entry is not None and entry["expires"] > started.timestamp():
            return _response_from(entry, request)
        request._page_cache_pending = {"key": key, "generation": generation, "started": started}
        response = self.get_response(request)
        response["X-Cache"] = "miss"
        return response


class PageCacheUpdateMiddleware:
    """First in MIDDLEWARE: store the finished response if every anonymous reader may share it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_page_cache_pending", None)
        if pending is not None and cache_available() and _storable(request, response):
            try:
                _store(request, response, pending)
            except CACHE_ERRORS:
                cache_failed("Page cache: could not store")
        return response
