"""Rate limits of the API (issue 8): the token endpoint, per client address."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from luzhi.core.clientip import client_ip


class Throttled(exceptions.Throttled):
    default_detail = "请求过于频繁，请稍后再试。"
    extra_detail_singular = "请在 {wait} 秒后重试。"
    extra_detail_plural = "请在 {wait} 秒后重试。"


class TokenRateThrottle(SimpleRateThrottle):
    """REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"] requests per client address (the cache keeps count)."""

    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


def throttled(wait: float | None) -> None:
    """Raise the 429 with a Chinese message; the Retry-After header says the wait."""
    raise Throttled(wait)
