import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from binascii import Error as NotBase64

from django.core.exceptions import ValidationError as BadValue
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.utils.urls import replace_query_param


class NewestFirst(CursorPagination):
    """Opaque cursors: a page stays consistent while items are published in front of it.

    A cursor holds the whole sort key of the item it starts after (every ordering field, the
    last one unique), so a page starts exactly there however many items tie on the first
    field: DRF's own cursor holds the first field and an offset into its ties, and its
    previous links skip or repeat items when ties cross a page boundary.

    A bad ``cursor`` or ``page_size`` is a 400 naming it, as a bad filter is (DRF answers a
    made-up cursor with a 404, and ignores a page size it cannot read)."""

    ordering = ("-published_at", "-pk")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_ordering(self, request, queryset, view):
        # A view that takes ``sort`` names the order it chose (``cursor_ordering``).
        ordering = getattr(view, "cursor_ordering", None) or self.ordering
        if ordering[-1].lstrip("-") != "pk":
            ordering = (*ordering, "pk")  # a total order: no two items share a position
        return tuple(ordering)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit() and digits):
            raise ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        # Capped before int(): Python refuses to convert thousands of digits.
        if len(digits) > 4:
            return self.max_page_size
        return min(int(digits), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.ordering = self.get_ordering(request, queryset, view)
        reverse, position = self.decode_cursor(request)
        # Backwards, read the items before the position in the opposite order.
        order = tuple(flip(name) for name in self.ordering) if reverse else self.ordering
        rows = queryset.order_by(*order)
        try:
            if position is not None:
                rows = rows.filter(after(order, position))
            page = list(rows[: self.page_size + 1])
        except (BadValue, ValueError, TypeError):
            # A forged position the database cannot compare (a date that is no date).
            raise self.bad_cursor() from None
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if reverse:
            page.reverse()
        self.page = page
        self.position = position
        # Coming from a cursor, there is something on its side; on the far side, ``more``.
        self.has_next = position is not None if reverse else more
        self.has_previous = more if reverse else position is not None
        self.reverse = reverse
        return page

    def get_next_link(self):
        if not self.has_next:
            return None
        if self.page:
            return self.link(False, self.key(self.page[-1]))
        # An empty page before the position (items went away): go on from the position.
        return self.link(False, self.position)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if self.page:
            return self.link(True, self.key(self.page[0]))
        return self.link(True, self.position)

    def key(self, item):
        return [str(getattr(item, name.lstrip("-"))) for name in self.ordering]

    def link(self, reverse, position):
        raw = json.dumps({"r": int(reverse), "p": position}, separators=(",", ":"))
        token = urlsafe_b64encode(raw.encode()).decode("ascii").rstrip("=")
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def decode_cursor(self, request):
        """``(reverse, position)`` from the request's cursor; ``(False, None)`` without one."""
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return False, None
        try:
            data = json.loads(urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        except (NotBase64, ValueError):
            raise self.bad_cursor() from None
        if not isinstance(data, dict) or set(data) != {"r", "p"} or data["r"] not in (0, 1):
            raise self.bad_cursor()
        position = data["p"]
        if not (
            isinstance(position, list)
            and len(position) == len(self.ordering)
            and all(isinstance(value, str) and "\x00" not in value for value in position)
        ):
            raise self.bad_cursor()
        return bool(data["r"]), position

    def bad_cursor(self):
        return ValidationError(
            {"cursor": ["Not a cursor from this API: follow the next and previous links."]}
        )


class BySlug(NewestFirst):
    ordering = ("slug",)


def flip(name):
    return name[1:] if name.startswith("-") else f"-{name}"


def after(ordering, position):
    """Rows strictly after ``position`` in ``ordering``: the first field past its value, or
    equal there and the next one past, and so on (a row comparison, spelled out for mixed
    directions)."""
    condition, equal = Q(), Q()
    for name, value in zip(ordering, position, strict=True):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        condition |= equal & Q(**{f"{field}__{lookup}": value})
        equal &= Q(**{field: value})
    return condition
