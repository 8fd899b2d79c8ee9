"""The idle session timeout the security administrator sets (SecuritySettings), on every page session."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse

from luzhi.accounts.models import SecuritySettings

TOUCHED = "_lz_touched"
TOUCH_SECONDS = 60


class IdleTimeoutMiddleware:
    """A logged-in page session ends after the configured minutes without a request.

    The expiry is set after the view so that the login response itself already carries it;
    token-authenticated API calls have no session and create none.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            idle = SecuritySettings.current().session_idle_minutes * 60
            now = int(time.time())
            # Writing the session on every request costs a database write per page view; once a
            # minute is enough. The timeout then runs from the last write: at most a minute early.
            if session.get("_session_expiry") != idle or now - session.get(TOUCHED, 0) >= TOUCH_SECONDS:
                session[TOUCHED] = now
                session.set_expiry(idle)
        return response
