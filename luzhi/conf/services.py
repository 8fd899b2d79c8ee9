"""Redis (cache, sessions) and Celery, switched on by environment variables (issue 8).

- REDIS_URL (e.g. redis://127.0.0.1:6379/0): the cache of every process is Redis, so that
  several gunicorn processes or machines share it, and sessions are cached there in front
  of the database (`cached_db`: a Redis restart logs nobody out).
- LUZHI_CELERY=1: jobs (luzhi/core/jobs.py) go to Celery on CELERY_BROKER_URL (default
  REDIS_URL); without it, cron runs the management commands, which call the same jobs.
"""

import os
from typing import Any


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def apply(base: dict[str, Any]) -> None:
    """Adjust the settings namespace `base` (settings.py's globals) in place."""
    redis_url = os.environ.get("REDIS_URL", "").strip()
    base["CACHES"] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if redis_url:
        base["CACHES"] = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": os.environ.get("LUZHI_CACHE_PREFIX", "luzhi"),
            }
        }
        base["SESSION_ENGINE"] = "django.contrib.sessions.backends.cached_db"

    base["LUZHI_CELERY"] = _flag("LUZHI_CELERY")
    base["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", redis_url or "redis://127.0.0.1:6379/0")
    base["CELERY_RESULT_BACKEND"] = os.environ.get("CELERY_RESULT_BACKEND", base["CELERY_BROKER_URL"])
    base["CELERY_TIMEZONE"] = base.get("TIME_ZONE", "Asia/Shanghai")
    base["CELERY_TASK_SERIALIZER"] = "json"
    base["CELERY_RESULT_SERIALIZER"] = "json"
    base["CELERY_ACCEPT_CONTENT"] = ["json"]
    base["CELERY_RESULT_EXPIRES"] = 24 * 3600
    # A job that crashes a worker is retried elsewhere rather than lost.
    base["CELERY_TASK_ACKS_LATE"] = True
    base["CELERY_WORKER_PREFETCH_MULTIPLIER"] = 1
