"""Redis (cache, sessions) and Celery, switched on by environment variables (issue 8)."""

import os
from typing import Any


def apply(base: dict[str, Any]) -> None:
    """Adjust the settings namespace `base` (settings.py's globals) in place."""
    base["CACHES"] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if redis_url := os.environ.get("REDIS_URL"):
        base["CACHES"] = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
