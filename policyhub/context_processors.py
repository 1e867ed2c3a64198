from django.utils.functional import SimpleLazyObject, lazy

from policyhub.editorial.site import current, site_name


def site(request):
    # Lazy: pages that never show the site's name (feeds, sitemaps) run no query for it.
    return {"site": SimpleLazyObject(current), "SITE_NAME": lazy(site_name, str)()}
