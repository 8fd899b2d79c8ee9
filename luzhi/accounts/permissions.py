"""Who may manage accounts and security (三员分立: each administrator has one job)."""

from luzhi.core.permissions import Rule
from luzhi.core.roles import EVERYONE, Role

USERS = Rule(read=frozenset({Role.SYSADMIN}), write=frozenset({Role.SYSADMIN}))
SECURITY = Rule(read=frozenset({Role.SECADMIN}), write=frozenset({Role.SECADMIN}))
AUDIT = Rule(read=frozenset({Role.AUDITOR}), write=frozenset())
ME = Rule(read=EVERYONE, write=frozenset())
# The recycle bin: the office puts back what its committee deleted.
RECYCLE = Rule(read=frozenset({Role.OFFICE}), write=frozenset({Role.OFFICE}))
