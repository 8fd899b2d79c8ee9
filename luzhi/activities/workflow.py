"""The leave request's states: pending → approved | refused, decided once."""

from __future__ import annotations

from luzhi.activities.models import LeaveRequest
from luzhi.core.errors import WorkflowError

S = LeaveRequest.Status
TRANSITIONS: dict[str, dict[str, str]] = {
    "approve": {S.PENDING: S.APPROVED},
    "refuse": {S.PENDING: S.REFUSED},
}


def leave_next_status(request: LeaveRequest, step: str) -> str:
    """The status the step leads to from the request's current one, or WorkflowError."""
    target = TRANSITIONS[step].get(request.status)
    if target is None:
        raise WorkflowError(f"该请假申请已{request.get_status_display()}，不能再审批。")
    return target
