"""Site search over publications, policy options and people.

``from policyhub.search import search`` is the one entry point (engine.search). It is loaded
lazily so that ``policyhub.search.query`` stays importable without Django set up.
"""


def __getattr__(name):
    if name in ("search", "SearchResults"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
