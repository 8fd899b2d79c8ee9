"""Scheduled and background work through one code path.

Each domain app may declare its jobs in `<app>/jobs.py` with the `@job` decorator. A job is
an ordinary function taking keyword arguments that are plain JSON values. Three ways run it,
and all three end in the same function:

- the management command cron calls (`manage.py proposal_reminders` …) → `call(name)`;
- Celery beat, when `LUZHI_CELERY=1`, on the job's `schedule` → the `luzhi.job` task →
  `call(name)` in a worker;
- application code that wants work off the request → `run(name, **kwargs)`: queued to
  Celery when it is on, run at once when it is off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings

from luzhi.core.registry import app_modules


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[..., Any]
    description: str
    # Celery crontab fields, e.g. {"hour": 6, "minute": 15}; None: run only when asked.
    schedule: dict[str, Any] | None = field(default=None)


_JOBS: dict[str, Job] = {}


def job(
    name: str, *, description: str, schedule: dict[str, Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as the job `name`."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in _JOBS and _JOBS[name].func is not func:
            raise ValueError(f"job {name!r} is declared twice")
        _JOBS[name] = Job(name=name, func=func, description=description, schedule=schedule)
        return func

    return register


def registry() -> dict[str, Job]:
    """Every declared job (importing each app's jobs.py once)."""
    for name in settings.LUZHI_JOB_MODULES:  # jobs declared outside the domain apps (core's exports)
        import_module(name)
    app_modules("jobs")
    return dict(_JOBS)


def get(name: str) -> Job:
    try:
        return registry()[name]
    except KeyError:
        raise LookupError(f"no job named {name!r}") from None


def call(name: str, **kwargs: Any) -> Any:
    """Run a job here and now, in this process."""
    return get(name).func(**kwargs)


def celery_enabled() -> bool:
    return bool(getattr(settings, "LUZHI_CELERY", False))


def run(name: str, **kwargs: Any) -> Any:
    """Run a job in the background when Celery is on, else at once; returns the task id or the result."""
    get(name)  # an unknown name fails here, in the caller, not later in a worker
    if not celery_enabled():
        return call(name, **kwargs)
    from luzhi.celery import run_job

    return run_job.delay(name, kwargs).id


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery beat's schedule: one entry per job that declares one."""
    from celery.schedules import crontab

    return {
        name: {"task": "luzhi.job", "schedule": crontab(**entry.schedule), "args": (name, {})}
        for name, entry in sorted(registry().items())
        if entry.schedule is not None
    }
