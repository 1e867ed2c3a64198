from django.apps import AppConfig


class PolicyHubConfig(AppConfig):
    name = "policyhub"
    verbose_name = "Site"

    def ready(self):
        from . import cache
        from .search import signals

        signals.connect()
        cache.connect()
