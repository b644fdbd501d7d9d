"""Sessions end after idle time and a working day after login, with a message on the login page.

Django's own expiry (SESSION_COOKIE_AGE) would make a session that ended look like a visitor
who never logged in: the next page just asks for a login, without saying why. Here the two
limits are checked on each request of a logged-in user, so the login page can say that the
session ended and why, and the absolute limit holds even though the session is saved again
as the user works.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

LOGIN_AT = "welfare_login_at"
SEEN_AT = "welfare_seen_at"
# Saving the session on every request would write a row per page; a minute's precision is
# plenty for limits counted in tens of minutes and hours.
SEEN_RESOLUTION_SECONDS = 60


def session_ended(*, session, now: float) -> str | None:
    """Why the session of a logged-in user has ended ("idle", "day"), or None while it lasts."""
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is not None and now - login_at > settings.SESSION_COOKIE_AGE:
        return "day"
    if seen_at is not None and now - seen_at > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


@receiver(user_logged_in, dispatch_uid="welfare_session_stamps")
def stamp_login(sender, request, user, **kwargs) -> None:
    """Both clocks start at login (the middleware starts them on the first request otherwise)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_ended(session=request.session, now=now)
            if reason is not None:
                logout(request)
                messages.warning(request, self.message(reason))
                login_url = resolve_url(settings.LOGIN_URL)
                if request.path != login_url:
                    return redirect_to_login(request.get_full_path(), login_url)
            else:
                request.session.setdefault(LOGIN_AT, now)
                if now - request.session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
                    request.session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def message(reason: str) -> str:
        if reason == "day":
            hours = settings.SESSION_COOKIE_AGE // 3600
            return _(
                "Your session ended: a session lasts at most %(hours)s hours after login. "
                "Please log in again."
            ) % {"hours": hours}
        minutes = settings.SESSION_IDLE_SECONDS // 60
        return _(
            "Your session ended after %(minutes)s minutes without activity. Please log in again."
        ) % {"minutes": minutes}
