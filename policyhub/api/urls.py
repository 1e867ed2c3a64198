from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("options", views.OptionViewSet, basename="option")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("people", views.PersonViewSet, basename="person")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("regions", views.RegionViewSet, basename="region")
router.register("tags", views.TagViewSet, basename="tag")

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    *router.urls,
    path("search/", views.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # The split view serves its start-up script as a file: the CSP allows no inline script.
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]

# DRF exempts its views from CSRF for its own session authentication. This API has none and
# only reads, so the site's rule stands: no view opts out (a POST is refused by the middleware).
for pattern in urlpatterns:
    pattern.callback.csrf_exempt = False
