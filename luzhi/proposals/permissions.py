"""Who may read and write proposals (pages and API use the same rules)."""

from typing import Any

from django.core.exceptions import PermissionDenied

from luzhi.core.permissions import Rule, can
from luzhi.core.roles import Role

_OFFICE = frozenset({Role.OFFICE})
_AUTHORS = frozenset({Role.MEMBER, Role.LEADER})
_UNIT = frozenset({Role.UNIT})
_READERS = frozenset({Role.OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER, Role.UNIT})

PROPOSALS = Rule(read=_READERS, write=_AUTHORS)
SUBMIT = Rule(read=_AUTHORS, write=_AUTHORS)
REVIEW = Rule(read=_OFFICE, write=_OFFICE)
HANDLE = Rule(read=_UNIT, write=_UNIT)
EVALUATE = Rule(read=_AUTHORS, write=_AUTHORS)
MARK_KEY = Rule(read=_OFFICE | {Role.LEADER}, write=_OFFICE | {Role.LEADER})
SIMILAR = Rule(read=_OFFICE | _AUTHORS | {Role.COMMITTEE_STAFF}, write=frozenset())
STATS = Rule(read=_OFFICE | _AUTHORS | {Role.COMMITTEE_STAFF}, write=frozenset())
EXPORT = Rule(read=_OFFICE | {Role.COMMITTEE_STAFF, Role.LEADER}, write=frozenset())
SUPERVISE = Rule(read=_READERS, write=_OFFICE | {Role.LEADER})


# ---- who may take a workflow step on one proposal ---------------------------------------------
# The one answer the services enforce and the case page asks. Whether the proposal's status allows
# the step is the workflow's question (workflow.allowed / advance), not this one.

DENIED = {
    "edit": "只有第一提案人可以这样做。",
    "submit": "只有第一提案人可以这样做。",
    "withdraw": "只有第一提案人可以这样做。",
    "evaluate": "只有第一提案人可以这样做。",
    "cosign": "您不是这件提案的联名人。",
    "review": "只有办公室可以审查和交办提案。",
    "assign": "只有办公室可以审查和交办提案。",
    "adjust": "只有主办单位可以这样做。",
    "reply": "只有主办单位可以这样做。",
    "co_opinion": "不是本单位承办的提案。",
    "mark_key": "只有办公室或主席会议成员可以确定重点提案。",
    "supervise": "只有这件提案的督办领导或办公室可以记录督办。",
}


def _unit_role(user: Any, proposal: Any) -> str | None:
    unit_id = getattr(user, "unit_id", None)
    if not unit_id:
        return None
    return next((link.role for link in proposal.units.all() if link.unit_id == unit_id), None)


def may(user: Any, step: str, proposal: Any) -> bool:
    """Return whether the user is one who may take `step` on this proposal."""
    member_id = getattr(user, "member_id", None)
    if step in ("edit", "submit", "withdraw", "evaluate"):
        return bool(member_id) and member_id == proposal.lead_id
    if step == "cosign":
        return bool(member_id) and any(c.member_id == member_id for c in proposal.cosignatures.all())
    if step in ("review", "assign"):
        return can(user, REVIEW, "write")
    if step in ("adjust", "reply"):
        return _unit_role(user, proposal) == "lead"
    if step == "co_opinion":
        return _unit_role(user, proposal) == "co"
    if step == "mark_key":
        return can(user, MARK_KEY, "write")
    if step == "supervise":
        if getattr(user, "role", None) == Role.LEADER:
            return bool(member_id) and member_id == proposal.supervisor_id
        return can(user, SUPERVISE, "write")
    raise ValueError(f"unknown proposal step {step!r}")


def require(user: Any, step: str, proposal: Any) -> None:
    """Raise PermissionDenied, saying who may, unless the user may take the step."""
    if not may(user, step, proposal):
        raise PermissionDenied(DENIED[step])
