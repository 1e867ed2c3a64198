from django.utils.functional import SimpleLazyObject

from policyhub.editorial import datacache

from .models import Menu, MenuItem


def load_menus():
    """{"header": [{"text", "href"}], "footer": [...]}: the visible items of both menus in one
    query, kept like a page until the content changes or the next publish time."""

    def compute():
        menus = {place: [] for place in Menu.Place.values}
        for item in MenuItem.objects.visible().order_by("menu__place", "order", "pk"):
            href, text = item.href, item.text
            if href and text:
                menus[item.menu.place].append({"text": text, "href": href})
        return menus

    return datacache.remember("menus", compute)


def menus(request):
    # Lazy: pages that never show a menu (feeds, errors) run no query for it.
    return {"menus": SimpleLazyObject(load_menus)}
