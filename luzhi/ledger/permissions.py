"""Who may read and write the plan, its items, progress reports, monthly plans and the board."""

from __future__ import annotations

from typing import Any

from luzhi.core.permissions import Rule
from luzhi.core.roles import INSIDERS, Role

_OFFICE = frozenset({Role.OFFICE})

PLANS = Rule(read=INSIDERS, write=_OFFICE)
PLAN_ITEMS = Rule(read=INSIDERS, write=_OFFICE)
# Leaders report on the items they lead, staff on their special committee's; the object check is below.
PROGRESS = Rule(read=INSIDERS, write=frozenset({Role.OFFICE, Role.LEADER, Role.COMMITTEE_STAFF}))
MONTHLY_PLANS = Rule(read=INSIDERS, write=frozenset({Role.OFFICE, Role.COMMITTEE_STAFF}))
BOARD = Rule(read=INSIDERS, write=_OFFICE)  # 公示栏: every member reads it


def is_office(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.OFFICE)


def may_report(user: Any, item: Any) -> bool:
    """The office reports on every item, a leader on the items they lead, staff on their committee's."""
    if is_office(user):
        return True
    if user.role == Role.LEADER:
        return user.member_id is not None and item.lead_id == user.member_id
    if user.role == Role.COMMITTEE_STAFF:
        return user.special_committee_id is not None and item.responsible_id == user.special_committee_id
    return False


def may_write_monthly(user: Any, special_committee_id: int | None) -> bool:
    """The office writes every committee's monthly plan, staff only their own committee's."""
    if is_office(user):
        return True
    return user.role == Role.COMMITTEE_STAFF and user.special_committee_id == special_committee_id
