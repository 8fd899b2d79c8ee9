"""The proposal workflow as one transition table: (step, from status) → to status.

Services call `advance`; any step not in the table raises WorkflowError (409 on the API,
a message on pages). Steps that do not move the status (mark_key, adjust_request…) list
the statuses they are allowed from and map each to itself.
"""

from __future__ import annotations

from luzhi.core.errors import WorkflowError
from luzhi.proposals.models import Proposal

S = Proposal.Status

TRANSITIONS: dict[str, dict[str, str]] = {
    # The lead may still edit, or withdraw to a draft, until the office has reviewed it.
    "edit": {S.DRAFT: S.DRAFT, S.SUBMITTED: S.SUBMITTED},
    "delete": {S.DRAFT: S.DRAFT},
    "submit": {S.DRAFT: S.SUBMITTED},
    "withdraw": {S.SUBMITTED: S.DRAFT},
    "cosign": {S.DRAFT: S.DRAFT, S.SUBMITTED: S.SUBMITTED},
    "decline_cosign": {S.DRAFT: S.DRAFT, S.SUBMITTED: S.SUBMITTED},
    "accept": {S.SUBMITTED: S.ACCEPTED},
    "reject": {S.SUBMITTED: S.REJECTED},
    "convert_opinion": {S.SUBMITTED: S.CONVERTED_OPINION},
    "convert_letter": {S.SUBMITTED: S.CONVERTED_LETTER},
    "merge": {S.SUBMITTED: S.MERGED},
    "assign": {S.ACCEPTED: S.ASSIGNED},
    "reassign": {S.ASSIGNED: S.ASSIGNED},
    "adjust_request": {S.ASSIGNED: S.ASSIGNED},
    "co_opinion": {S.ASSIGNED: S.ASSIGNED},
    "reply": {S.ASSIGNED: S.REPLIED},
    "close": {S.REPLIED: S.CLOSED},
    "send_back": {S.REPLIED: S.ASSIGNED},
    "mark_key": {S.ACCEPTED: S.ACCEPTED, S.ASSIGNED: S.ASSIGNED, S.REPLIED: S.REPLIED},
    "supervise": {S.ACCEPTED: S.ACCEPTED, S.ASSIGNED: S.ASSIGNED, S.REPLIED: S.REPLIED, S.CLOSED: S.CLOSED},
}

STEP_LABELS = {
    "edit": "修改",
    "delete": "删除",
    "submit": "提交",
    "withdraw": "撤回",
    "cosign": "确认联名",
    "decline_cosign": "谢绝联名",
    "accept": "立案",
    "reject": "不立案",
    "convert_opinion": "转社情民意",
    "convert_letter": "转意见建议",
    "merge": "并案",
    "assign": "交办",
    "reassign": "重新交办",
    "adjust_request": "申请调整",
    "co_opinion": "提交协办意见",
    "reply": "答复",
    "close": "评价",
    "send_back": "评价",
    "mark_key": "列为重点提案",
    "supervise": "记录督办",
}


def allowed(step: str, status: str) -> bool:
    """Return whether the step may be taken from the status."""
    return status in TRANSITIONS[step]


def advance(proposal: Proposal, step: str) -> None:
    """Move the proposal along the step, or raise WorkflowError when the step is not allowed now."""
    target = TRANSITIONS[step].get(proposal.status)
    if target is None:
        raise WorkflowError(f"提案当前状态为“{proposal.get_status_display()}”，不能{STEP_LABELS[step]}。")
    proposal.status = target
