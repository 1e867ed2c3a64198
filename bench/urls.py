"""The site's URLs plus ``/bench/bare/``: the floor any Django page on this machine starts from."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("policyhub.urls")),
]
