"""The site's URLs plus a few views whose responses test the page cache's rules."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_headers


def nonce_page(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">window.x = 1;</script>')


def cookie_page(request):
    response = HttpResponse("sets a cookie")
    response.set_cookie("seen", "1")
    return response


@cache_control(private=True)
def private_page(request):
    return HttpResponse("private")


@cache_control(no_store=True)
def no_store_page(request):
    return HttpResponse("no-store")


@vary_on_headers("Accept-Language")
def language_page(request):
    return HttpResponse("varies by language")


def session_page(request):
    request.session["visited"] = True
    return HttpResponse("writes the session")


def reads_session_page(request):
    return HttpResponse(f"hello {request.session.get('name', 'reader')}")


urlpatterns = [
    path("test-cache/reads-session/", reads_session_page),
    path("test-cache/nonce/", nonce_page),
    path("test-cache/cookie/", cookie_page),
    path("test-cache/private/", private_page),
    path("test-cache/no-store/", no_store_page),
    path("test-cache/language/", language_page),
    path("test-cache/session/", session_page),
    path("", include("policyhub.urls")),
]
