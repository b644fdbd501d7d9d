"""`{% main_nav %}`: the menu of base.html (welfare.core.navigation.nav_html)."""

from django import template

from welfare.core.navigation import nav_html

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context):
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return ""
    return nav_html(request)
