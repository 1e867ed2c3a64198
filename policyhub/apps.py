from django.apps import AppConfig


class PolicyHubConfig(AppConfig):
    """The site: settings, URLs, home, tag pages, sitemap, error pages."""

    name = "policyhub"
    verbose_name = "Site"
