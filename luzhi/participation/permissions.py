"""Who may read and write notices, deliberation, self-reports, guests and the library (pages and API)."""

from __future__ import annotations

from typing import Any

from luzhi.core.permissions import Rule
from luzhi.core.roles import INSIDERS, STAFF, Role

_OFFICE = frozenset({Role.OFFICE})
_MEMBERS = frozenset({Role.MEMBER, Role.LEADER})

NOTICES = Rule(read=INSIDERS, write=_OFFICE)
RECEIPTS = Rule(read=_OFFICE, write=_OFFICE)  # who has read a notice: the office's view
TOPICS = Rule(read=INSIDERS, write=_OFFICE)
POSTS = Rule(read=INSIDERS, write=_MEMBERS)  # members post; the office moderates through its own actions
MODERATE = Rule(read=_OFFICE, write=_OFFICE)  # hide, group into themes, convert, summary
SELF_REPORTS = Rule(read=_OFFICE | _MEMBERS, write=_MEMBERS)
VERIFY = Rule(read=_OFFICE, write=_OFFICE)
GUESTS = Rule(read=INSIDERS, write=STAFF)
LIBRARY = Rule(read=INSIDERS, write=_OFFICE)
STUDY = Rule(read=INSIDERS, write=_MEMBERS)


def is_office(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.OFFICE)
