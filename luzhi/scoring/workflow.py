"""The appeal's states: pending → accepted | refused, once."""

from luzhi.core.errors import WorkflowError
from luzhi.scoring.models import ScoreAppeal

S = ScoreAppeal.Status
TRANSITIONS: dict[str, dict[str, str]] = {
    "accept": {S.PENDING: S.ACCEPTED},
    "refuse": {S.PENDING: S.REFUSED},
}


def appeal_next_status(appeal: ScoreAppeal, step: str) -> str:
    """The status after `step`, or WorkflowError when the appeal is not in a state that allows it."""
    target = TRANSITIONS.get(step, {}).get(appeal.status)
    if target is None:
        raise WorkflowError(f"申诉已{appeal.get_status_display()}，不能再处理。")
    return target
