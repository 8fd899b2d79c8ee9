"""Who may read and write each scoring resource (pages and API use the same rules)."""

from luzhi.core.permissions import Rule
from luzhi.core.roles import INSIDERS, Role

_OFFICE = frozenset({Role.OFFICE})
_OVERSEERS = frozenset({Role.OFFICE, Role.LEADER})
_MEMBERS = frozenset({Role.MEMBER, Role.LEADER})
_NOBODY: frozenset[str] = frozenset()

RULE_SETS = Rule(read=INSIDERS, write=_OFFICE)
# The whole committee's scores, warnings and the bulletin: the office and leaders (主席会议成员).
SCORES = Rule(read=_OVERSEERS, write=_NOBODY)
# A ledger and a duty report: members their own (others are 404), the office and leaders everybody's.
LEDGER = Rule(read=_OVERSEERS | {Role.MEMBER}, write=_NOBODY)
# Appeals: a member (or a leader, who is a member too) files one on their own entry; the office decides.
APPEALS = Rule(read=_OVERSEERS | {Role.MEMBER}, write=_MEMBERS)
APPEAL_DECISIONS = Rule(read=_OFFICE, write=_OFFICE)
DASHBOARD = Rule(read=_OVERSEERS, write=_NOBODY)
# "My duty record": those who have a member record of their own.
MY_PAGE = Rule(read=_MEMBERS, write=_NOBODY)
