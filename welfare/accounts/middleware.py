import logging

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .access import access_of

log = logging.getLogger(__name__)


class DenyByDefaultMiddleware:
    """Refuse every view that has not declared who may open it (`welfare.accounts.access`).

    The Django admin keeps its own staff check, with one change: a logged-in user without
    admin access gets 403 instead of the admin's login form, which would only invite them to
    log in as someone else. The login form itself stays open to everyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.app_name == "admin":
            if (
                request.user.is_authenticated
                and match.url_name != "login"
                and not admin.site.has_permission(request)
            ):
                raise PermissionDenied
            return None
        access = access_of(view_func)
        if access is None:
            log.warning("refused %s: the view declares no access", request.path)
            raise PermissionDenied
        if access.public:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perms(access.perms):
            raise PermissionDenied
        return None
