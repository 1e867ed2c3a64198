from django.urls import path

from . import views

app_name = "publications"

urlpatterns = [
    path("publications/", views.PublicationListView.as_view(), name="list"),
    path("publications/<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region"),
]
