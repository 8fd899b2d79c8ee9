"""Security headers, Content-Security-Policy, rate limits and trusted proxies (issue 8)."""

from typing import Any


def apply(base: dict[str, Any]) -> None:
    """Adjust the settings namespace `base` (settings.py's globals) in place."""
