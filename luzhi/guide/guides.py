"""The user guide: one page per role, written in docs/guide/<slug>.md, screenshots in docs/guide/img/.

The pages are served at /help/<slug>/ (readable without login: they hold no committee data, and the
login page links them too); every page's 帮助 link goes to the guide of the signed-in user's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from luzhi.core.roles import Role

FOLDER = Path(settings.BASE_DIR) / "docs" / "guide"


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str  # the role as the reader knows it
    summary: str

    @property
    def path(self) -> Path:
        return FOLDER / f"{self.slug}.md"


GUIDES = {
    g.slug: g
    for g in (
        Guide("member", "委员", "撰写提案、报送社情民意信息、参加活动和请假、查看自己的履职积分。"),
        Guide("office", "办公室 / 机关", "维护委员名册，组织活动，受理提案和社情民意信息，督办台账和履职考评。"),
        Guide("leader", "主席会议成员", "查看全会数据，领办督办事项和调研课题，审阅重点提案。"),
        Guide("unit", "承办单位", "查看交给本单位的提案，按期答复，申请调整或提交协办意见。"),
        Guide("upper", "上级政协办公室", "查看下级政协，处理下级上报的社情民意信息。"),
        Guide("admin", "系统管理员 / 安全管理员 / 安全审计员", "开通账号、设置安全策略、查阅审计日志（三员分立）。"),
    )
}

UPPER_LEVELS = frozenset({"national", "province", "city"})


def guide_for(user: Any) -> Guide | None:
    """Return the guide of the user's role (None for an anonymous visitor: the list of all guides)."""
    if not getattr(user, "is_authenticated", False):
        return None
    role = getattr(user, "role", "")
    if getattr(user, "is_superuser", False) or role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        return GUIDES["admin"]
    if role in (Role.MEMBER, Role.LEADER, Role.UNIT):
        return GUIDES[str(role)]
    if role == Role.OFFICE:
        # Reading the committee costs no query: the menu has already loaded it on this user.
        committee = getattr(user, "committee", None)
        return GUIDES["upper" if committee is not None and committee.level in UPPER_LEVELS else "office"]
    if role == Role.COMMITTEE_STAFF:
        return GUIDES["office"]  # the office guide has a section for special-committee clerks
    return None
