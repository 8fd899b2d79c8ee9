"""The Celery application, used only when LUZHI_CELERY=1 (see luzhi/core/jobs.py).

celery -A luzhi.celery worker --loglevel=INFO          # runs queued jobs
celery -A luzhi.celery beat --loglevel=INFO            # the daily schedule instead of cron
"""

from __future__ import annotations

import os
from typing import Any

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
django.setup()

app = Celery("luzhi")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="luzhi.job")
def run_job(name: str, kwargs: dict[str, Any]) -> Any:
    """Every queued or scheduled job comes through here, into the same function cron would call."""
    from luzhi.core import jobs

    return jobs.call(name, **kwargs)


def _configure_schedule() -> None:
    from luzhi.core import jobs

    app.conf.beat_schedule = jobs.beat_schedule()


_configure_schedule()
