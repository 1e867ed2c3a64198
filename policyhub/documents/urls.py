from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/<slug:slug>.pdf", views.download, name="download"),
    path("<int:pk>/cover-<int:width>w.<ext>", views.cover, name="cover"),
]
