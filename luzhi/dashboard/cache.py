"""The year's dashboard, cached briefly: its aggregates cost a few hundred ms at province scale.

A cached dashboard is shared by the users who would see exactly the same figures: same
committee, same role, same year, same day. It is dropped when anything is written — every save
or delete of a committee's row bumps one generation number that is part of the key — and in
any case after TTL seconds, which bounds what bulk writes (that send no signals) can leave
stale. The generation is global, not per committee: a report forwarded from a county changes
the city's figures too, and a global number needs no look-up on the write path.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from luzhi.core import clock
from luzhi.core.scoping import CommitteeOwned

TTL = 60
GENERATION = "luzhi:dashboard:generation"


def generation() -> int:
    value = cache.get(GENERATION)
    if value is None:
        cache.add(GENERATION, 1, None)
        value = cache.get(GENERATION, 1)
    return value


def bump() -> None:
    try:
        cache.incr(GENERATION)
    except ValueError:  # not there yet (or evicted): any new number invalidates the old keys
        cache.set(GENERATION, int(time.time() * 1000), None)


@receiver(post_save)
@receiver(post_delete)
def _on_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, CommitteeOwned):
        bump()


def cached_dashboard(*, viewer: Any, year: int, build: Any) -> dict[str, Any]:
    """build(viewer=…, year=…) once per committee, role, year and day while nothing is written."""
    key = f"luzhi:dashboard:{generation()}:{viewer.committee_id}:{viewer.role}:{year}:{clock.today().isoformat()}"
    value = cache.get(key)
    if value is None:
        value = build(viewer=viewer, year=year)
        cache.set(key, value, TTL)
    return value
