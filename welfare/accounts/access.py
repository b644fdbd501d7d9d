"""How a view says who may open it. Views are closed unless they say so (deny by default).

- `@public` for pages anyone may open (login, the language switch);
- `@allow("welfare.view_cases", ...)` for a function view: logged in and holding every code;
- `RoleRequiredMixin` with `permission_required` for a class-based view.

`DenyByDefaultMiddleware` refuses every other view with 403, so a new page that forgot to
declare its access is closed, not open.
"""

from dataclasses import dataclass
from typing import Callable

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


@dataclass(frozen=True)
class Access:
    public: bool = False
    perms: tuple[str, ...] = ()


PUBLIC = Access(public=True)


def public(view: Callable) -> Callable:
    view.welfare_access = PUBLIC
    return view


def allow(*perms: str) -> Callable[[Callable], Callable]:
    """Open a function view to logged-in users holding every one of `perms` (none: any role)."""

    def decorate(view: Callable) -> Callable:
        view.welfare_access = Access(perms=perms)
        return view

    return decorate


class RoleRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A class-based view open to logged-in users holding `permission_required`."""

    permission_required: str | tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        perms = cls.permission_required
        cls.welfare_access = Access(perms=(perms,) if isinstance(perms, str) else tuple(perms))

    def has_permission(self):
        return self.request.user.has_perms(self.welfare_access.perms)


def access_of(view_func: Callable) -> Access | None:
    access = getattr(view_func, "welfare_access", None)
    if access is None:
        access = getattr(getattr(view_func, "view_class", None), "welfare_access", None)
    return access
