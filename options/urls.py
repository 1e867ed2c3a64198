from django.urls import path

from . import feeds, views

app_name = "options"

urlpatterns = [
    path("", views.OptionListView.as_view(), name="list"),
    path("matrix/", views.OptionMatrixView.as_view(), name="matrix"),
    path("compare/", views.compare, name="compare"),
    path("questions/", views.QuestionListView.as_view(), name="questions"),
    path("questions/<slug:slug>/", views.QuestionDetailView.as_view(), name="question"),
    path("preview/<int:pk>/", views.OptionPreviewView.as_view(), name="preview"),
    path(
        "preview/questions/<int:pk>/",
        views.QuestionPreviewView.as_view(),
        name="question_preview",
    ),
    path("questions/<slug:slug>/feed/", feeds.QuestionFeed(), name="question_feed"),
    path("questions/<slug:slug>/feed/atom/", feeds.QuestionAtomFeed(), name="question_atom_feed"),
    path("<slug:slug>/", views.OptionDetailView.as_view(), name="detail"),
]
