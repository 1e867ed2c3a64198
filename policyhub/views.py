import math

from axes.helpers import get_cool_off, get_failure_limit
from django.db.models import Count
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from options.models import PolicyOption, TaggedOption
from policyhub.editorial import datacache
from policyhub.pages.models import HomeSlot
from publications.models import Publication
from publications.views import SubjectPublicationsView

from .tags import live_tags

HOME_SLOTS = 12
HOME_LATEST = 6


def home(request):
    # The editors' slots, hidden targets left out: one query however many.
    slots = list(HomeSlot.objects.visible()[:HOME_SLOTS])
    slotted = [slot.publication_id for slot in slots if slot.publication_id]
    latest = Publication.objects.published().exclude(pk__in=slotted).for_listing()[:HOME_LATEST]
    return render(
        request,
        "home.html",
        {
            "slots": slots,
            "latest": latest,
            # Every published publication counted: cached until the content changes.
            "topics": datacache.remember(
                "home-topics", lambda: Publication.objects.count_published_by("topics"), counts=True
            ),
        },
    )


class TagDetailView(SubjectPublicationsView):
    subject_name = "tag"
    template_name = "tag_detail.html"

    def get_subject(self):
        # A tag with no published content is a 404: its existence would hint at drafts.
        return get_object_or_404(live_tags(), slug=self.kwargs["slug"])

    def publications(self):
        return super().publications().with_tag(self.subject)


tag_detail = TagDetailView.as_view()


def live_tag_counts():
    """[{"slug", "name", "count"}] A–Z: published publications plus visible options per tag.
    A tag only drafts use has no count and is never listed."""
    counts = {}
    for row in Publication.objects.count_published_by("tags"):
        counts[row["slug"]] = {**row}
    options = (
        TaggedOption.objects.filter(content_object__in=PolicyOption.objects.visible())
        .values("tag__slug", "tag__name")
        .annotate(n=Count("*"))
        .order_by()
    )
    for row in options:
        entry = counts.setdefault(
            row["tag__slug"], {"slug": row["tag__slug"], "name": row["tag__name"], "count": 0}
        )
        entry["count"] += row["n"]
    return sorted(counts.values(), key=lambda row: (row["name"].casefold(), row["slug"]))


class TagIndexView(TemplateView):
    template_name = "tag_index.html"

    def get_context_data(self, **kwargs):
        tags = datacache.remember("tag-index", live_tag_counts, counts=True)
        for tag in tags:
            initial = tag["name"][:1].upper()
            tag["initial"] = initial if initial.isalpha() else "#"
        return super().get_context_data(tags=tags, **kwargs)


tag_index = TagIndexView.as_view()


@require_GET
@cache_page(60 * 60)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('search:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico on pages that don't link an icon (the admin, feeds).
    return redirect(static("favicon.svg"))


def page_not_found(request, exception):
    if request.path_info.startswith("/api/"):
        # API clients parse JSON, errors included.
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # Rendered without context processors: the error may be the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a page saying why and for how long, as 429."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    response = render(request, "lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
