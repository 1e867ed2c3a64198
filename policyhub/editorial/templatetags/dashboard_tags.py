from django import template

from policyhub.editorial.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def editors_dashboard(context):
    return {"sections": dashboard(context["request"].user)}
