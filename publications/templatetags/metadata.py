"""JSON-LD for reader pages: ``{% load metadata %}`` then ``{% publication_json_ld publication %}``,
``{% person_json_ld person %}``, ``{% website_json_ld %}``, ``{% organization_json_ld %}``,
``{% webpage_json_ld page %}`` or
``{% breadcrumbs_json_ld "Publications" list_url publication %}``.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from publications import structured_data

register = template.Library()


def json_ld(context, data):
    request = context["request"]
    # The CSP allows no inline script without the request's nonce (policyhub/middleware.py).
    # str(), not truth: django-csp's lazy nonce is falsy until it has been generated.
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        nonce,
        # Safe: to_script_json escapes <, > and & so the text cannot end the element.
        mark_safe(structured_data.to_script_json(data)),
    )


@register.simple_tag(takes_context=True)
def publication_json_ld(context, publication):
    return json_ld(context, structured_data.publication(context["request"], publication))


@register.simple_tag(takes_context=True)
def person_json_ld(context, person):
    return json_ld(context, structured_data.person(context["request"], person))


@register.simple_tag(takes_context=True)
def website_json_ld(context):
    return json_ld(context, structured_data.website(context["request"]))


@register.simple_tag(takes_context=True)
def organization_json_ld(context):
    return json_ld(context, structured_data.organization(context["request"], context=True))


@register.simple_tag(takes_context=True)
def webpage_json_ld(context, page):
    return json_ld(context, structured_data.webpage(context["request"], page))


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, *steps):
    """The trail below the home page (which comes first on its own). Each step is a page object
    (anything with ``get_absolute_url``), a list of them, or a name followed by its path."""
    trail = [(str(context.get("SITE_NAME", "Home")), reverse("home"))]
    steps = list(steps)
    while steps:
        step = steps.pop(0)
        if isinstance(step, str):
            trail.append((step, steps.pop(0)))
        elif hasattr(step, "get_absolute_url"):
            trail.append((page_name(step), step.get_absolute_url()))
        else:
            trail.extend((page_name(item), item.get_absolute_url()) for item in step)
    return json_ld(context, structured_data.breadcrumbs(context["request"], trail))


def page_name(obj):
    return getattr(obj, "name", None) or getattr(obj, "title", None) or str(obj)
