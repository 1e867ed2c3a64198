from django.urls import path, re_path

from . import views

app_name = "pages"

urlpatterns = [
    path("pages/preview/<int:pk>/", views.page_preview, name="preview"),
    # Last in the site's URLconf (policyhub/urls.py): any path of slugs no other pattern takes.
    # Slugs only, so a file-like address (report.pdf) is a plain 404, not a slash redirect.
    re_path(r"^(?P<path>[-\w]+(?:/[-\w]+)*)/$", views.page_detail, name="page"),
]
