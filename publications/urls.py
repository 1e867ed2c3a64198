from django.urls import path
from django.views.generic import RedirectView

from . import feeds, views

app_name = "publications"

urlpatterns = [
    path("feeds/publications/", feeds.LatestPublicationsFeed(), name="feed"),
    path("feeds/publications/atom/", feeds.LatestPublicationsAtomFeed(), name="atom_feed"),
    path("publications/", views.PublicationListView.as_view(), name="list"),
    # Before the detail pattern: "feed" and "preview" would otherwise be read as slugs.
    path("publications/preview/<int:pk>/", views.PublicationPreviewView.as_view(), name="preview"),
    path(
        "publications/feed/",
        RedirectView.as_view(pattern_name="publications:feed", permanent=True),
        name="old_feed",
    ),
    path("publications/<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path("publications/<slug:slug>/cite.bib", views.cite_bibtex, name="cite_bibtex"),
    path("publications/<slug:slug>/cite.ris", views.cite_ris, name="cite_ris"),
    path("people/", views.PersonDirectoryView.as_view(), name="people"),
    path("topics/", views.TopicIndexView.as_view(), name="topics"),
    path("regions/", views.RegionIndexView.as_view(), name="regions"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("people/<slug:slug>/feed/", feeds.PersonFeed(), name="person_feed"),
    path("people/<slug:slug>/feed/atom/", feeds.PersonAtomFeed(), name="person_atom_feed"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("topics/<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic_atom_feed"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region"),
    path("regions/<slug:slug>/feed/", feeds.RegionFeed(), name="region_feed"),
    path("regions/<slug:slug>/feed/atom/", feeds.RegionAtomFeed(), name="region_atom_feed"),
]
