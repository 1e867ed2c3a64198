"""URL converters."""

from django.urls.converters import StringConverter


class UnicodeSlugConverter(StringConverter):
    """A slug that may hold letters of any script, as taggit makes them ("côte-divoire").

    Django's ``slug`` converter is ASCII-only, so reversing the URL of such a tag failed and every
    page listing it was a 500.
    """

    regex = r"[-\w]+"
