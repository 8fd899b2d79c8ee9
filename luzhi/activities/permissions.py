"""Who may read and write activities, attendance, leave, reading logs and cadence (pages and API alike).

Special-committee staff write only the activities of their own special committee; that
narrower check is `may_manage` below, applied by the services.
"""

from __future__ import annotations

from typing import Any

from luzhi.core.permissions import Rule, can
from luzhi.core.roles import INSIDERS, STAFF, Role

_OFFICE = frozenset({Role.OFFICE})
_PEOPLE = frozenset({Role.MEMBER, Role.LEADER})

ACTIVITIES = Rule(read=INSIDERS, write=STAFF)
ATTENDANCE = Rule(read=STAFF, write=STAFF)
# A member asks for leave; the office (or the activity's special committee staff) decides.
LEAVE = Rule(read=INSIDERS, write=_PEOPLE)
LEAVE_DECIDE = Rule(read=STAFF, write=STAFF)
READING = Rule(read=_PEOPLE | _OFFICE, write=_PEOPLE)
CADENCE_RULES = Rule(read=INSIDERS, write=_OFFICE)
CADENCE_REPORT = Rule(read=STAFF | {Role.LEADER}, write=frozenset())
# Meeting papers: everyone inside reads what their scope allows (ActivityMaterial.scope_role).
MATERIALS = Rule(read=INSIDERS, write=STAFF)
# Votes: staff set them up and run them; everyone inside reads them; members cast ballots.
# The auditor reads votes too (who voted; for a secret vote never what).
VOTES = Rule(read=INSIDERS | {Role.AUDITOR}, write=STAFF)
BALLOT = Rule(read=_PEOPLE, write=_PEOPLE)
# Meeting records: staff write minutes, decisions and seating; readers are scoped per row
# (Minutes/Decision.scope_role: the invited, leaders, the office, the meeting's staff).
MINUTES = Rule(read=INSIDERS, write=STAFF)
DECISIONS = Rule(read=INSIDERS, write=STAFF)
SEATING = Rule(read=INSIDERS, write=STAFF)
SIGN_IN = Rule(read=_PEOPLE, write=_PEOPLE)
CALENDAR_FEED = Rule(read=_PEOPLE, write=_PEOPLE)


def may_manage(user: Any, activity: Any) -> bool:
    """Whether the user may change this activity: the office always, staff only their committee's."""
    if not can(user, ACTIVITIES, "write"):
        return False
    if user.is_superuser or user.role == Role.OFFICE:
        return True
    return activity.special_committee_id is not None and activity.special_committee_id == user.special_committee_id
