"""Rules about areas that a record, a request and an import all check."""

from django.utils.translation import gettext as _


def commune_outside_province(*, commune_province_id: int | None, province_id: int | None) -> str | None:
    """The problem, in the user's language, when a commune does not lie in the province it is
    given with; None when it does or when either is missing (required-field checks say so)."""
    if commune_province_id is None or province_id is None or commune_province_id == province_id:
        return None
    return _("The commune does not lie in the province.")
