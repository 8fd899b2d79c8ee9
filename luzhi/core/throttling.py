"""Rate limits of the API: login endpoints per client address (issue 8), counting failures only (issue 14)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from luzhi.core.clientip import client_ip


class Throttled(exceptions.Throttled):
    default_detail = "请求过于频繁，请稍后再试。"
    extra_detail_singular = "请在 {wait} 秒后重试。"
    extra_detail_plural = "请在 {wait} 秒后重试。"


class TokenRateThrottle(SimpleRateThrottle):
    """REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"] requests per client address (the cache keeps count)."""

    scope = "token"
    # Set by SimpleRateThrottle.__init__ from the rate (parse_rate).
    num_requests: int
    duration: int

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


class FailedLoginThrottle(TokenRateThrottle):
    """Failed logins per client address: over the budget, the address is refused before any check.

    Successful logins never count, so a hall of members behind one network address all log in
    (API.md "Meetings"); a wrong password, code or second factor does (`LoginFailuresCounted`).
    Five failures for one account still lock that account (axes), whatever the address.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return True  # nothing recorded here: only a failure is (record_failure)

    @classmethod
    def record_failure(cls, request: Any) -> None:
        throttle = cls()
        if throttle.rate is None:
            return
        key = throttle.get_cache_key(request, None)
        now = throttle.timer()
        history = [t for t in throttle.cache.get(key, []) if t > now - throttle.duration]
        throttle.cache.set(key, [now, *history], throttle.duration)


class LoginFailuresCounted:
    """For login views: every refused attempt (400, 401, 403) counts against the client address."""

    throttle_classes: Sequence[type[BaseThrottle]] = [FailedLoginThrottle]

    def handle_exception(self, exc: Exception) -> Any:
        refused = (
            exceptions.ValidationError,
            exceptions.PermissionDenied,
            exceptions.AuthenticationFailed,
            exceptions.NotAuthenticated,
        )
        if isinstance(exc, refused):
            FailedLoginThrottle.record_failure(self.request)  # type: ignore[attr-defined]
        return super().handle_exception(exc)  # type: ignore[misc]


def throttled(wait: float | None) -> NoReturn:
    """Raise the 429 with a Chinese message; the Retry-After header says the wait."""
    raise Throttled(wait)
