from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_search_triggers(sender, using, apps=None, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put them back after every
    migrate, once the document table has its status column (search/triggers.py)."""
    from .search import triggers

    try:
        apps.get_model("policyhub", "SearchDocument")._meta.get_field("status")
    except (AttributeError, LookupError):
        return  # migrated back to before the column existed
    triggers.ensure(connections[using])


class PolicyHubConfig(AppConfig):
    name = "policyhub"
    verbose_name = "Site"

    def ready(self):
        from publications import datacache

        from . import cache, redirects
        from .search import signals

        signals.connect()
        post_migrate.connect(_ensure_search_triggers, sender=self)
        redirects.connect()
        cache.connect()
        # The apps never import policyhub: it hands them the cache they may use.
        datacache.register(cache.remember, cache.remember_many)
