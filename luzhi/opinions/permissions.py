"""Who may read and write opinion reports, bulletins and grassroots records (pages and API alike)."""

from typing import Any

from django.core.exceptions import PermissionDenied

from luzhi.core.permissions import Rule, can
from luzhi.core.roles import INSIDERS, Role

_OFFICE = frozenset({Role.OFFICE})

# Members write their own reports; office, staff and leaders may write on a member's behalf.
REPORTS = Rule(read=INSIDERS, write=INSIDERS)
# Editing, adopting, forwarding, instructions and rejection: the holding committee's office.
HANDLING = Rule(read=_OFFICE, write=_OFFICE)
BULLETINS = Rule(read=INSIDERS - {Role.MEMBER}, write=_OFFICE)
# Members record what they hear; staff record at a station on a member's behalf.
GRASSROOTS = Rule(read=INSIDERS, write=INSIDERS)
STATISTICS = Rule(read=INSIDERS - {Role.MEMBER}, write=_OFFICE)
# "My reports" is for those who write as a member.
OWN_REPORTS = Rule(read=frozenset({Role.MEMBER, Role.LEADER}), write=frozenset({Role.MEMBER, Role.LEADER}))


# ---- who may take a handling step on one report ------------------------------------------------
# The one answer the services enforce and the report page asks: the office of the committee that
# holds the report now (a superuser acts as every office). Whether the status allows the step is
# the workflow's question (workflow.allowed_steps / transition).
HANDLING_STEPS = frozenset({"edit", "adopt", "forward", "instruct", "send", "reject"})
DENIED = "只有持有这篇信息的政协办公室可以处理。"


def may(user: Any, step: str, report: Any) -> bool:
    """Return whether the user may take the handling `step` on this report."""
    if step not in HANDLING_STEPS:
        raise ValueError(f"unknown opinion step {step!r}")
    if not can(user, HANDLING, "write"):
        return False
    return user.is_superuser or report.holder_id == user.committee_id


def require(user: Any, step: str, report: Any) -> None:
    """Raise PermissionDenied unless the user may take the step."""
    if not may(user, step, report):
        raise PermissionDenied(DENIED)
