"""The hall screen (大屏): what the projector shows during a meeting, and its one-second cache.

The screen polls its fragment every second. The fragment is rendered at most once a second per
server process and activity, whoever asks: it is cached for SCREEN_TTL seconds under the
activity's id. A version key that changes with every sign-in, ballot, vote step and agenda move
would need a hook in each of those writes (and in any written later), and while the hall signs
in or votes it would change several times a second anyway, so it would save nothing when it
matters; a one-second lifetime needs no hook and bounds the staleness: a change shows on every
screen within SCREEN_TTL + the poll interval (2 s).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import render_to_string

from luzhi.activities import votes
from luzhi.activities.models import Activity, AgendaItem, Attendance, Vote

SCREEN_TTL = 1  # seconds a rendered fragment is reused
POLL_SECONDS = 1  # how often each screen asks


def _cache_key(activity_id: int) -> str:
    return f"luzhi:hall-screen:{activity_id}"


def hall_state(*, activity: Activity) -> dict[str, Any]:
    """Return what the screen shows: the current agenda item, the sign-in count, the open or last closed vote."""
    counts = Attendance.objects.filter(activity_id=activity.pk).aggregate(
        invited=Count("id"),
        present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
        leave=Count("id", filter=Q(status=Attendance.Status.LEAVE)),
    )
    item: AgendaItem | None = None
    items = 0
    if activity.current_item_id:
        item = AgendaItem.objects.filter(pk=activity.current_item_id).first()
        items = AgendaItem.objects.filter(activity_id=activity.pk).count()
    # The open vote if there is one, else the one closed last.
    vote = (
        Vote.objects.filter(activity_id=activity.pk, status__in=(Vote.Status.OPEN, Vote.Status.CLOSED))
        .order_by("-status", "-closed_at", "-id")  # "open" sorts after "closed": descending puts it first
        .first()
    )
    shown: dict[str, Any] | None = None
    if vote is not None:
        result = votes.vote_result(vote)
        labels = {str(o["id"]): o["label"] for o in vote.options}
        shown = {
            "vote": vote,
            "result": result,
            "rows": [(votes.CHOICE_LABELS.get(k) or labels.get(k, k), n) for k, n in (result["counts"] or {}).items()],
            "elected": [labels.get(str(i), str(i)) for i in result["elected"] or []],
        }
    return {"activity": activity, "counts": counts, "item": item, "items": items, "shown": shown}


def screen_fragment(*, activity: Activity) -> str:
    """The screen's fragment as HTML, rendered at most once per SCREEN_TTL seconds."""
    key = _cache_key(activity.pk)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "activities/hall_screen.html", {**hall_state(activity=activity), "poll_seconds": POLL_SECONDS}
        )
        cache.set(key, html, SCREEN_TTL)
    return html


def screen_forget(activity_id: int) -> None:
    """Drop this process's cached fragment (the office's own screen shows a move at once)."""
    cache.delete(_cache_key(activity_id))
