from django.apps import AppConfig


class PolicyHubConfig(AppConfig):
    name = "policyhub"
    verbose_name = "Site"

    def ready(self):
        from publications import datacache

        from . import cache, redirects
        from .search import signals

        signals.connect()
        redirects.connect()
        cache.connect()
        # The apps never import policyhub: it hands them the cache they may use.
        datacache.register(cache.remember, cache.remember_many)
