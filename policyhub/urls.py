from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from . import feeds, views
from .converters import UnicodeSlugConverter
from .operations import health
from .sitemaps import sitemaps

register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", views.home, name="home"),
    path("tags/", views.tag_index, name="tags"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag"),
    path("tags/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tags/<uslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_atom_feed"),
    path("search/", include("policyhub.search.urls")),
    path("api/v1/", include("policyhub.api.urls")),
    path("options/", include("options.urls")),
    path("documents/", include("policyhub.documents.urls")),
    path("", include("publications.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Editors' pages take whatever path is left: last, so no page can hide the site's own URLs.
urlpatterns += [path("", include("policyhub.pages.urls"))]

handler404 = "policyhub.views.page_not_found"
handler500 = "policyhub.views.server_error"
