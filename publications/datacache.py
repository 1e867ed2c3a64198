"""A cache for data computed from published content: the publication and option lists' facet
counts, the home page's topic counts, related publications, rendered publication cards
(``DATA_CACHE_ENABLED``).

The app knows what to compute and what the value depends on; when a cached value goes stale is
the project's business (any content change, the next scheduled publish: ``policyhub/cache.py``),
so the project registers the functions that store values. Until it does, nothing is cached.
"""

from django.conf import settings

_remember = None
_remember_many = None


def register(remember, remember_many):
    """``remember(name, compute, counts=False)`` returns ``compute()``, possibly from a cache;
    ``remember_many(names, compute)`` does the same for ``{item: name}`` in one round trip,
    calling ``compute(missing_items)`` for ``{item: value}``."""
    global _remember, _remember_many
    _remember, _remember_many = remember, remember_many


def enabled():
    return _remember is not None and settings.DATA_CACHE_ENABLED


def remember(name, compute, *, counts=False):
    """``counts``: the value holds counts only, so an edit of a publication's text (which moves
    no count) leaves it cached."""
    if not enabled():
        return compute()
    return _remember(name, compute, counts=counts)


def remember_many(names, compute):
    if not enabled():
        return compute(list(names))
    return _remember_many(names, compute)
