"""The project's own auth backend: role permissions, checked against the user's areas.

Django's `ModelBackend` ignores objects (conventions.md, "Scoping"); this one answers the
project's `welfare.*` codes from `permissions.PERMISSIONS` and, when an object is given, also
requires the object to lie in the user's areas. Django's own model permissions (for staff in
the admin) still go through `ModelBackend`.
"""

from django.contrib.auth.backends import ModelBackend

from .permissions import PERMISSIONS, role_has
from .scoping import in_scope


class RoleBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        if perm in PERMISSIONS:
            if not (user_obj.is_superuser or role_has(user_obj.role, perm)):
                return False
            return obj is None or in_scope(user_obj, obj)
        return super().has_perm(user_obj, perm, obj)
