"""Every permission code of the project and the roles that hold it, in one place.

Roles (design.md, "Roles"): a commune officer reads, writes and proposes in the communes
assigned to them; a department head reads the whole province, imports, recognises reviews,
approves payment runs and reports, and sets plans; an admin does everything. A view or action
names one of these codes; `RoleBackend` answers for them, scoped to the user's areas when an
object is given.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Commune officer")
    HEAD = "head", _("Department head")
    ADMIN = "admin", _("Administrator")


OFFICER, HEAD, ADMIN = Role.OFFICER, Role.HEAD, Role.ADMIN

# code -> roles holding it. Codes carry the `welfare.` prefix so they never meet Django's own
# model permissions (`app_label.action_model`).
PERMISSIONS: dict[str, frozenset[str]] = {
    "welfare.view_cases": frozenset({OFFICER, HEAD, ADMIN}),
    "welfare.edit_cases": frozenset({OFFICER, ADMIN}),
    "welfare.import_records": frozenset({OFFICER, HEAD, ADMIN}),
    "welfare.recognise_reviews": frozenset({HEAD, ADMIN}),
    "welfare.approve_payments": frozenset({HEAD, ADMIN}),
    "welfare.view_reports": frozenset({OFFICER, HEAD, ADMIN}),
    "welfare.approve_reports": frozenset({HEAD, ADMIN}),
    "welfare.view_plans": frozenset({OFFICER, HEAD, ADMIN}),
    "welfare.manage_plans": frozenset({HEAD, ADMIN}),
    "welfare.view_dashboard": frozenset({HEAD, ADMIN}),
    "welfare.run_jobs": frozenset({OFFICER, HEAD, ADMIN}),
    # Relief and gift rounds cover a province: officers open them for their distributions (an
    # import may create one), heads too; heads close them, which locks their distributions.
    "welfare.manage_rounds": frozenset({OFFICER, HEAD, ADMIN}),
    "welfare.close_rounds": frozenset({HEAD, ADMIN}),
    # Who read or exported personal data (Law 91/2025/QH15): heads for their province.
    "welfare.read_access_log": frozenset({HEAD, ADMIN}),
}


def role_has(role: str, code: str) -> bool:
    """Whether a role holds a permission code; an unknown code is held by nobody."""
    return role in PERMISSIONS.get(code, frozenset())


def require(user, code: str, obj=None) -> None:
    """Refuse (PermissionDenied) unless `user` holds `code`, for `obj` when one is given (the
    auth backend then checks the object lies in the user's areas). Services call this first."""
    if not user.has_perm(code, obj):
        raise PermissionDenied
