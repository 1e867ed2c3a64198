from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible


@deconstructible
class MaxImagePixelsValidator:
    """Refuse images whose decoded size could exhaust memory (a tiny PNG can decode to 100 MP).

    Superseded by policyhub.editorial.images.check_image; kept because migration 0001 refers to it.
    """

    def __call__(self, image):
        width = getattr(image, "width", None)
        height = getattr(image, "height", None)
        if width and height and width * height > settings.MAX_IMAGE_PIXELS:
            raise ValidationError(
                "This image is %(width)s×%(height)s pixels; the limit is %(limit)s pixels in all.",
                code="image_too_large",
                params={"width": width, "height": height, "limit": settings.MAX_IMAGE_PIXELS},
            )

    def __eq__(self, other):
        return isinstance(other, MaxImagePixelsValidator)


@deconstructible
class ReservedSlugValidator:
    """Refuse slugs that a fixed URL already uses, so the item would never be reachable."""

    def __init__(self, reserved):
        self.reserved = tuple(reserved)

    def __call__(self, value):
        if value in self.reserved:
            raise ValidationError(
                "“%(value)s” is reserved for a page of the site; choose another slug.",
                code="reserved_slug",
                params={"value": value},
            )

    def __eq__(self, other):
        return isinstance(other, ReservedSlugValidator) and self.reserved == other.reserved
