from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("pages/preview/<int:pk>/", views.page_preview, name="preview"),
    # Last in the site's URLconf (policyhub/urls.py): anything no other pattern takes.
    path("<path:path>/", views.page_detail, name="page"),
]
