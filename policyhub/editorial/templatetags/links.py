from django import template

from policyhub.editorial.links import slug_url

register = template.Library()


@register.filter
def tag_url(tag):
    """The tag's page: ``{% url 'tag' tag.slug %}``, for the many tag links on a page."""
    return slug_url("tag", tag.slug)
