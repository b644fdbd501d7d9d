"""Django's own messages that its Vietnamese catalogue lacks or words for an older version.

Listed here (never imported) so that `make messages` keeps their Vietnamese in the project's
catalogue, which takes precedence over Django's.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("This account is inactive."),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
]
