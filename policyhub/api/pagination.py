from django.core.exceptions import ValidationError as BadValue
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    """Opaque cursors: a page stays consistent while items are published in front of it.

    A bad ``cursor`` or ``page_size`` is a 400 naming it, as a bad filter is (DRF answers a
    made-up cursor with a 404, and ignores a page size it cannot read)."""

    ordering = ("-published_at", "-pk")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (BadValue, ValueError):
            # A forged cursor whose position is no date (or holds a NUL): the database
            # refuses it when the page is read.
            raise self.bad_cursor() from None

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self.bad_cursor() from None
        if cursor and cursor.position and "\x00" in cursor.position:
            raise self.bad_cursor()
        return cursor

    def bad_cursor(self):
        return ValidationError(
            {"cursor": ["Not a cursor from this API: follow the next and previous links."]}
        )


class BySlug(NewestFirst):
    ordering = ("slug",)
