"""Model fields every content app uses: URLs that are safe to link to."""

from urllib.parse import urlsplit

from django.db import models


class HttpsURLField(models.URLField):
    """A URL typed without a scheme ("www.38north.org") becomes https://, as in Django 6.

    Forms validate the scheme, but ``objects.create()`` (imports, scripts) does not, and a stored
    ``javascript:`` URL would run in the reader's browser when the link is followed. As with
    ``RichTextField``, what is stored is made safe whatever path the value took: a URL with any
    other scheme than the ones the form accepts is dropped.
    """

    SAFE_SCHEMES = {"", "http", "https", "ftp", "ftps"}

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value and not self.has_safe_scheme(value):
            value = ""
            setattr(model_instance, self.attname, value)
        return value

    @classmethod
    def has_safe_scheme(cls, value):
        # urlsplit drops tabs and newlines and leading blanks, as browsers do ("java\tscript:").
        try:
            return urlsplit(value).scheme.lower() in cls.SAFE_SCHEMES
        except ValueError:
            return False
