"""What the site says about itself (name, tagline, logo, footer, share image, organisation),
from ``SiteSettings`` over the ``SITE_NAME`` / ``SITE_LOGO`` settings: an empty field keeps
the server's default, so a new site looks as it did before anyone opened the settings.

Kept in the data cache like a page: saving the settings (a watched model) starts a new
generation, which retires both this value and every cached page that shows it. Within a request
it is read once (the header, the footer, the share tags and the JSON-LD all ask for it)."""

from dataclasses import dataclass, field

from asgiref.local import Local
from django.conf import settings
from django.templatetags.static import static

from . import datacache
from .images import ResponsiveImage


@dataclass(frozen=True)
class Logo:
    url: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Site:
    name: str
    tagline: str = "Independent research, analysis and structured policy options."
    footer_text: str = ""
    logo: Logo | None = None
    share_image: ResponsiveImage | None = None
    share_image_alt: str = ""
    legal_name: str = ""
    organisation_logo: Logo | None = None
    # [(label, url)], in the editors' order.
    social_links: tuple = field(default_factory=tuple)

    def __post_init__(self):
        if not self.footer_text:
            default = f"{self.name} publishes independent research and structured policy options."
            object.__setattr__(self, "footer_text", default)

    def __str__(self):
        return self.name

    @property
    def same_as(self):
        return [url for _, url in self.social_links]


def _logo(field_file, width, height):
    return Logo(field_file.url, width, height) if field_file else None


def load():
    """The settings as a ``Site``, in one query (two once links may exist)."""
    from .models import SiteSettings

    row = SiteSettings.objects.filter(pk=SiteSettings.singleton_instance_id).first()
    static_logo = Logo(static(settings.SITE_LOGO)) if settings.SITE_LOGO else None
    if row is None:
        return Site(name=settings.SITE_NAME, organisation_logo=static_logo)
    logo = _logo(row.logo, row.logo_width, row.logo_height)
    organisation_logo = _logo(
        row.organisation_logo, row.organisation_logo_width, row.organisation_logo_height
    )
    defaults = Site(name=settings.SITE_NAME)
    return Site(
        name=row.site_name or settings.SITE_NAME,
        tagline=row.tagline or defaults.tagline,
        footer_text=row.footer_text,
        logo=logo,
        share_image=ResponsiveImage.from_field(row.share_image, row.share_image_renditions),
        share_image_alt=row.share_image_alt,
        legal_name=row.legal_name,
        organisation_logo=organisation_logo or logo or static_logo,
        social_links=tuple((link.label, link.url) for link in row.social_links.all()),
    )


# The value this request (or thread, outside requests) has read; forgotten when a request
# starts and when the settings change.
_read = Local()


def current():
    site = getattr(_read, "site", None)
    if site is None:
        site = _read.site = datacache.remember("site-settings", load)
    return site


def forget(**kwargs):
    """Read the settings again next time (a signal receiver)."""
    _read.site = None


def site_name():
    return current().name
