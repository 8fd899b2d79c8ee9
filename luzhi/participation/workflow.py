"""The self-report's states: a member files, the office verifies or returns it, a returned one is filed again."""

from __future__ import annotations

from luzhi.core.errors import WorkflowError
from luzhi.participation.models import SelfReport

S = SelfReport.Status

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.PENDING, "verify"): S.VERIFIED,
    (S.PENDING, "return"): S.RETURNED,
    (S.RETURNED, "resubmit"): S.PENDING,
}


def advance(report: SelfReport, step: str) -> None:
    """Move the report by one step of the table, or raise WorkflowError (→ 409)."""
    target = TRANSITIONS.get((report.status, step))
    if target is None:
        raise WorkflowError(f"“{report.get_status_display()}”的备案不能执行此操作。")
    report.status = target
