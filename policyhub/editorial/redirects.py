"""Old slugs keep their links alive: a renamed item's old address answers 301 to the new one.

A save that changes the slug of a publication, policy option, person, topic or region records
the old slug (``OldSlug``) against the object. The middleware acts only on 404 responses to
GET/HEAD: if the address was one of those pages under an old slug, and the object is visible to
readers now, it answers 301 to the same page under the current slug, ``reverse()``d, with the
query string kept. Drafts, scheduled and unpublished items get no redirect (the 404 stands), so
an old address never reveals that an unpublished item exists or what it is called now.
"""

from dataclasses import dataclass
from functools import cache

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve, reverse

from .models import OldSlug


@dataclass(frozen=True)
class SlugKind:
    kind: str
    model: type
    url_names: tuple
    visible: object  # a callable returning the queryset readers may reach

    def visible_slug(self, pk):
        return self.visible().filter(pk=pk).values_list("slug", flat=True).first()


_registry = []


def register(kind, model, url_names, visible):
    """Record ``model``'s slug changes as ``kind``; old addresses under ``url_names`` redirect
    while ``visible()`` holds the object. Content apps call this from ``AppConfig.ready()``."""
    _registry.append(SlugKind(kind, model, tuple(url_names), visible))
    kinds_by_url_name.cache_clear()
    _connect(_registry[-1])


def slug_kinds():
    return tuple(_registry)


@cache
def kinds_by_url_name():
    return {name: kind for kind in slug_kinds() for name in kind.url_names}


# --- Recording -------------------------------------------------------------------------------


def _remember_old_slug(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    instance._slug_before_save = (
        sender._default_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    )


def record_slug_change(kind, instance, old_slug):
    """Point ``old_slug`` at ``instance``. Renamed back to a slug it had before: that record
    goes, since the item itself answers there again (no loop)."""
    if not old_slug or old_slug == instance.slug:
        return
    with transaction.atomic():
        OldSlug.objects.filter(kind=kind, slug=instance.slug).delete()
        OldSlug.objects.update_or_create(
            kind=kind, slug=old_slug, defaults={"object_id": instance.pk}
        )


def _connect(slug_kind):
    model, kind = slug_kind.model, slug_kind.kind

    def recorded(sender, instance, raw=False, **kwargs):
        old_slug = instance.__dict__.pop("_slug_before_save", None)
        if not raw:
            record_slug_change(kind, instance, old_slug)

    def forgotten(sender, instance, **kwargs):
        OldSlug.objects.filter(kind=kind, object_id=instance.pk).delete()

    uid = f"old_slug_{kind}"
    pre_save.connect(_remember_old_slug, sender=model, dispatch_uid=f"{uid}_pre")
    post_save.connect(recorded, sender=model, dispatch_uid=f"{uid}_post", weak=False)
    post_delete.connect(forgotten, sender=model, dispatch_uid=f"{uid}_delete", weak=False)


# --- Serving ---------------------------------------------------------------------------------


def redirect_for(request):
    """A 301 to the current address of what ``request`` asked for under an old slug, or None."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    slug_kind = kinds_by_url_name().get(match.view_name)
    slug = match.kwargs.get("slug")
    if slug_kind is None or not slug:
        return None
    target_id = (
        OldSlug.objects.filter(kind=slug_kind.kind, slug=slug)
        .values_list("object_id", flat=True)
        .first()
    )
    if target_id is None:
        return None
    current_slug = slug_kind.visible_slug(target_id)
    if current_slug is None or current_slug == slug:
        return None
    url = reverse(match.view_name, kwargs={**match.kwargs, "slug": current_slug})
    # The query string is kept: campaign tags and page numbers still mean the same thing.
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(url)


class OldSlugRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            return redirect_for(request) or response
        return response
