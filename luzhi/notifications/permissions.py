"""Who may read and write each notification resource (pages and API use the same rules)."""

from luzhi.core.permissions import Rule
from luzhi.core.roles import Role

_EVERYONE = frozenset(Role)
_OFFICE = frozenset({Role.OFFICE})

# The inbox and one's own channel settings: every account, its own only.
INBOX = Rule(read=_EVERYONE, write=_EVERYONE)
SETTINGS = Rule(read=_EVERYONE, write=_EVERYONE)
# A committee's group channels and the delivery records: that committee's office.
CHANNELS = Rule(read=_OFFICE, write=_OFFICE)
DELIVERIES = Rule(read=_OFFICE, write=_OFFICE)
