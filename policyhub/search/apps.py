from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _ensure_search_triggers(sender, using, apps=None, **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds it: put them back after every
    migrate (triggers.py)."""
    from . import triggers

    triggers.ensure(connections[using])


class SearchConfig(AppConfig):
    """Site search over publications, policy options and people: the index, its upkeep, the
    engine and the search pages."""

    name = "policyhub.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from policyhub.editorial import cache

        from . import signals

        signals.connect()
        cache.watch("search.synonym")
        post_migrate.connect(_ensure_search_triggers, sender=self)
