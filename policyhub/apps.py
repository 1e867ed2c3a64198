from django.apps import AppConfig


class PolicyHubConfig(AppConfig):
    name = "policyhub"
    verbose_name = "Site"

    def ready(self):
        from . import cache, redirects
        from .search import signals

        signals.connect()
        redirects.connect()
        cache.connect()
