"""The staff dashboard on the admin's home page (sitewide/dashboard.py)."""

from django import template

from sitewide.dashboard import staff_dashboard as build

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_dashboard(context):
    return build(context["request"])
