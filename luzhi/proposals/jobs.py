"""Proposals' scheduled work (see luzhi/core/jobs.py)."""

from __future__ import annotations

from django.db import transaction

from luzhi.core.jobs import job


@job(
    "proposal_reminders",
    description="提醒承办单位7天内到期的提案，并把逾期未答复的提案告知承办单位和办公室。",
    schedule={"hour": 6, "minute": 15},
)
def proposal_reminders() -> dict[str, int]:
    from luzhi.proposals.services import proposal_remind

    with transaction.atomic():
        return proposal_remind()
