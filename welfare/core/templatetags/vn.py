"""Template filters for Vietnamese figures: {{ n|vn_int }} -> 23.510, {{ r|vn_rate }} -> 12,20%."""

from django import template

from welfare.core import formatting

register = template.Library()


def _safe(func):
    def wrapper(value, *args):
        if value is None or value == "":
            return ""
        try:
            return func(value, *args)
        except (TypeError, ValueError, ArithmeticError):
            return value

    wrapper.__name__ = func.__name__
    return wrapper


register.filter("vn_int", _safe(formatting.group_int))
register.filter("vn_rate", _safe(formatting.format_rate))
register.filter("vn_target_rate", _safe(formatting.format_target_rate))
register.filter("vn_decimal", _safe(formatting.format_decimal))
register.filter("vn_money", _safe(formatting.format_money))
register.filter("vn_vnd", _safe(formatting.format_vnd))


@register.filter
def vn_isodate(value):
    """An ISO date string (as stored in a summary) written dd/mm/yyyy."""
    from datetime import date

    try:
        return formatting.format_date(date.fromisoformat(str(value)))
    except ValueError:
        return value
