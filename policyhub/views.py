from django.http import HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from taggit.models import Tag

from publications.models import Publication


def home(request):
    latest = Publication.objects.published().for_listing()[:10]
    return render(request, "home.html", {"latest": latest})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    publications = Publication.objects.published().filter(tags=tag).for_listing()
    return render(request, "tag_detail.html", {"tag": tag, "publications": publications})


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request):
    # Rendered without context processors: the error may be the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
