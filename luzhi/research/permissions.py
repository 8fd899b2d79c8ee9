"""Who may read and write research topics, their steps and outcomes."""

from __future__ import annotations

from typing import Any

from luzhi.core.permissions import Rule
from luzhi.core.roles import INSIDERS, Role

TOPICS = Rule(read=INSIDERS, write=frozenset({Role.OFFICE}))
# Steps and outcomes: the topic's lead leader, its special committee's staff and the office (object check below).
ADVANCE = Rule(read=INSIDERS, write=frozenset({Role.OFFICE, Role.LEADER, Role.COMMITTEE_STAFF}))


def may_run(user: Any, topic: Any) -> bool:
    """The office runs every topic, a leader the topics they lead, staff their special committee's."""
    if user.is_superuser or user.role == Role.OFFICE:
        return True
    if user.role == Role.LEADER:
        return user.member_id is not None and topic.lead_id == user.member_id
    if user.role == Role.COMMITTEE_STAFF:
        return user.special_committee_id is not None and topic.special_committee_id == user.special_committee_id
    return False
