"""The menu: each page appears only for the roles its rule lets read it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from luzhi.core.menu import all_sections
from luzhi.core.permissions import can
from luzhi.core.roles import Role


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
    for title, entries in all_sections():
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
