"""The menu: each page appears only for the roles its rule lets read it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from luzhi.core.permissions import Rule, can
from luzhi.core.roles import Role


def _sections() -> list[tuple[str, list[tuple[str, str, str, Rule, str]]]]:
    from luzhi.accounts import permissions as accounts
    from luzhi.org import permissions as org

    return [
        (
            "委员",
            [
                ("委员名册", "org:member-list", "people", org.MEMBERS, "read"),
                ("导入名册", "org:member-import", "upload", org.MEMBERS, "write"),
                ("联系制度", "org:liaison-list", "diagram-3", org.LIAISONS, "read"),
                ("党组织", "org:party-list", "flag", org.PARTY_ORGS, "read"),
            ],
        ),
        (
            "组织",
            [
                ("本政协", "org:committee", "building", org.COMMITTEES, "read"),
                ("届次", "org:terms-list", "calendar3", org.REFERENCE, "read"),
                ("界别", "org:sectors-list", "grid", org.REFERENCE, "read"),
                ("专门委员会", "org:special-committees-list", "collection", org.REFERENCE, "read"),
                ("委员小组", "org:member-groups-list", "people-fill", org.REFERENCE, "read"),
                ("承办单位", "org:units-list", "bank", org.UNITS, "read"),
                ("一站两室", "org:stations-list", "house-door", org.REFERENCE, "read"),
            ],
        ),
        (
            "系统",
            [
                ("用户管理", "accounts:user-list", "person-gear", accounts.USERS, "read"),
                ("安全设置", "accounts:security", "shield-lock", accounts.SECURITY, "read"),
                ("审计日志", "accounts:audit", "journal-text", accounts.AUDIT, "read"),
            ],
        ),
    ]


def role_label(user: Any) -> str:
    """The user's role in Chinese (a superuser acts as sysadmin and office)."""
    if getattr(user, "is_superuser", False):
        return "超级管理员（系统管理员兼办公室）"
    return Role(user.role).label if getattr(user, "role", "") in Role.values else "未分配角色"


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the user's role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menu = []
    for title, entries in _sections():
        items = [
            {"label": label, "url": reverse(name), "icon": icon, "active": request.path == reverse(name)}
            for label, name, icon, rule, action in entries
            if can(user, rule, action)
        ]
        if items:
            menu.append({"title": title, "items": items})
    committee = getattr(user, "committee", None)
    return {
        "nav_menu": menu,
        "nav_role": role_label(user),
        "nav_committee": committee.name if committee else "履职平台",
    }
