from django.utils.functional import SimpleLazyObject, lazy

from policyhub.editorial.site import current


def site(request):
    # Lazy: pages that never show the site's name (feeds, sitemaps) run no query for it.
    about = SimpleLazyObject(current)
    return {"site": about, "SITE_NAME": lazy(lambda: about.name, str)()}
