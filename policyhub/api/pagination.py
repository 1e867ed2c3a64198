from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Opaque cursors: a page stays consistent while items are published in front of it."""

    ordering = ("-published_at", "-pk")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class BySlug(NewestFirst):
    ordering = ("slug",)
