"""Gunicorn hooks for Luzhi: `gunicorn luzhi.wsgi -c luzhi/conf/gunicorn.py --bind … --workers …`.

Only hooks live here; bind, workers and threads stay on the command line (Makefile, systemd unit).
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once the worker has loaded Django: freeze what start-up made, then load the similar-search indexes.

    gc.freeze() moves every object alive now out of the collector's reach: a full collection then
    walks only what requests made since, instead of Django, jieba's dictionary and (frozen again
    after the warm-up) the in-memory indexes — those walks were the slow tail of list requests.
    The worker serves requests during the warm-up; a similar search that comes before its index
    is loaded gets no hints rather than waiting (see luzhi.core.similarity.warm_up).
    """
    from luzhi.core import similarity
    from luzhi.notifications import dispatch

    gc.collect()
    gc.freeze()
    similarity.start_warm_up(then=gc.freeze)
    # Without a Celery worker, this process sends due notifications and retries (every 20 s).
    dispatch.start_sweeper()
