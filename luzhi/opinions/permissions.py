"""Who may read and write opinion reports, bulletins and grassroots records (pages and API alike)."""

from luzhi.core.permissions import Rule
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
