"""Opinions' scheduled work (see luzhi/core/jobs.py)."""

from __future__ import annotations

from luzhi.core.jobs import job


@job(
    "grassroots_reminders",
    description="提醒委员回应即将到期的民情记录，并把逾期未回应的记录告知委员和办公室。",
    schedule={"hour": 6, "minute": 20},
)
def grassroots_reminders(*, days: int = 3) -> dict[str, int]:
    from luzhi.opinions.services import grassroots_remind

    return grassroots_remind(within_days=max(days, 0))
