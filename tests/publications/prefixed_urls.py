"""The whole site mounted under /archive/, to check that links follow the URLconf in use."""

from django.urls import include, path

urlpatterns = [path("archive/", include("policyhub.urls"))]
