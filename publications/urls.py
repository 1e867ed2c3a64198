from django.urls import path

from . import feeds, views

app_name = "publications"

urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="list"),
    # Before the detail pattern: "feed" would otherwise be read as a publication slug.
    path("publications/feed/", feeds.LatestPublicationsFeed(), name="feed"),
    path("publications/preview/<int:pk>/", views.PublicationPreviewView.as_view(), name="preview"),
    path("publications/<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region"),
]
