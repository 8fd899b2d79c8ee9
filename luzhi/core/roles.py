"""Roles of API.md and the groups of roles that permission tables use."""

from typing import Any

from django.db import models


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"
    OFFICE = "office", "办公室"
    COMMITTEE_STAFF = "committee_staff", "专委会工作人员"
    LEADER = "leader", "主席会议成员"
    MEMBER = "member", "委员"
    UNIT = "unit", "承办单位"


# The three separated administrators (三员分立) see no committee business data.
ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
STAFF = frozenset({Role.OFFICE, Role.COMMITTEE_STAFF})
INSIDERS = frozenset({Role.OFFICE, Role.COMMITTEE_STAFF, Role.LEADER, Role.MEMBER})
EVERYONE = frozenset(Role)


def role_of(user: Any) -> str | None:
    """Return the user's role; a superuser counts as sysadmin and office at once (see `can`)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "role", None) or None


def acted_as(author: Any, *, viewer: Any) -> str:
    """Name who made a change: the account to the office (and a superuser), only its role to anyone else."""
    if author is None:
        return ""
    if getattr(viewer, "is_superuser", False) or role_of(viewer) == Role.OFFICE:
        return str(author.username)
    if author.role in Role.values:
        return Role(author.role).label
    return Role.SYSADMIN.label if author.is_superuser else ""
