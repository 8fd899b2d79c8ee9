"""The states of an opinion report and the steps allowed from each (one place enforces them)."""

from __future__ import annotations

from luzhi.core.errors import WorkflowError
from luzhi.opinions.models import OpinionReport

S = OpinionReport.Status

# step → (statuses it may start from, status it leaves; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "edit": (frozenset({S.SUBMITTED, S.FORWARDED}), None),
    "adopt": (frozenset({S.SUBMITTED, S.FORWARDED}), S.ADOPTED),
    "forward": (frozenset({S.SUBMITTED, S.ADOPTED, S.FORWARDED}), S.FORWARDED),
    "instruct": (frozenset({S.SUBMITTED, S.ADOPTED, S.FORWARDED}), None),
    "send": (frozenset({S.ADOPTED}), None),
    "reject": (frozenset({S.SUBMITTED, S.FORWARDED}), S.REJECTED),
}

STEP_LABELS = {
    "edit": "编辑",
    "adopt": "采用",
    "forward": "上报",
    "instruct": "登记批示",
    "send": "报送党委政府",
    "reject": "不予采用",
}


def allowed_steps(report: OpinionReport) -> list[str]:
    """The steps the holder may take on the report now."""
    return [step for step, (sources, _) in TRANSITIONS.items() if report.status in sources]


def transition(report: OpinionReport, step: str) -> None:
    """Move the report by one step, or raise WorkflowError when the status does not allow it."""
    sources, target = TRANSITIONS[step]
    if report.status not in sources:
        raise WorkflowError(f"“{report.get_status_display()}”状态的信息不能{STEP_LABELS[step]}。")
    if target is not None:
        report.status = target
