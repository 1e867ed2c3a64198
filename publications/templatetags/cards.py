from django import template
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from policyhub.editorial import datacache
from publications.models import Publication

register = template.Library()


@register.simple_tag
def publication_cards(publications, large=False):
    """The rendered cards of these publications, in their order.

    A card looks the same on every list, page and filter it appears in, so each is rendered once
    per content generation (``datacache``) and reused: on a listing, rendering twenty cards was
    most of the page's time. ``publications`` is a list of publications fetched ``for_listing()``,
    or an unevaluated queryset, of which only the ids are read unless a card must be rendered.
    """
    if (
        datacache.enabled()
        and isinstance(publications, QuerySet)
        and publications._result_cache is None
    ):
        ids = list(publications.values_list("pk", flat=True))
        given = {}
    else:
        given = {publication.pk: publication for publication in publications}
        ids = list(given)

    def render(missing):
        needed = [pk for pk in missing if pk not in given]
        fetched = Publication.objects.filter(pk__in=needed).for_listing() if needed else []
        found = {**given, **{publication.pk: publication for publication in fetched}}
        return {
            pk: render_to_string(
                "includes/publication_card.html", {"publication": found[pk], "large": large}
            )
            for pk in missing
        }

    names = {pk: f"publication-card:{pk}:{'large' if large else 'standard'}" for pk in ids}
    cards = datacache.remember_many(names, render)
    return [mark_safe(cards[pk]) for pk in ids]
