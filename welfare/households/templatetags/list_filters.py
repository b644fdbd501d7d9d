"""A list's filter as a plain <select>, written in Python.

Django renders a form's select through a template per option: a head's commune filter (a
province's communes) cost about a third of the household list's rendering (issue 9). The
markup is the widget's own: name, id, class and the option the query string chose.
"""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def filter_select(field):
    """The bound choice field `field` as a <select>, its submitted value selected."""
    value = field.value()
    selected = "" if value is None else str(value)
    attrs = field.field.widget.attrs
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, " selected" if str(choice) == selected else "", label)
            for choice, label in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" class="{}" id="{}">{}</select>',
        field.html_name,
        attrs.get("class", ""),
        field.id_for_label,
        options,
    )
