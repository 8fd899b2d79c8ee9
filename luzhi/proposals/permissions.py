"""Who may read and write proposals (pages and API use the same rules)."""

from luzhi.core.permissions import Rule
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
