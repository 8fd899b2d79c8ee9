"""Who may read and write each organisation resource (pages and API use the same rules)."""

from luzhi.core.permissions import Rule
from luzhi.core.roles import INSIDERS, Role

_OFFICE = frozenset({Role.OFFICE})

COMMITTEES = Rule(read=INSIDERS | {Role.SYSADMIN, Role.UNIT}, write=frozenset({Role.SYSADMIN}))
# Terms, sectors, special committees, groups, stations: the sysadmin reads them to set up accounts.
REFERENCE = Rule(read=INSIDERS | {Role.SYSADMIN}, write=_OFFICE)
UNITS = Rule(read=INSIDERS | {Role.SYSADMIN, Role.UNIT}, write=_OFFICE)
MEMBERS = Rule(read=INSIDERS | {Role.SYSADMIN}, write=_OFFICE)
LIAISONS = Rule(read=INSIDERS, write=_OFFICE)
PARTY_ORGS = Rule(read=INSIDERS, write=_OFFICE)
# Full phone numbers and birth dates are for the office only (个人信息保护).
PERSONAL_DATA = Rule(read=_OFFICE, write=_OFFICE)
