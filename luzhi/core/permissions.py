"""Role checks. Each domain app lists its rules in its own permissions.py as `Rule`s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from luzhi.core.roles import Role


@dataclass(frozen=True)
class Rule:
    """Which roles may read and which may write one kind of thing."""

    read: frozenset[str]
    write: frozenset[str]


# A bootstrap superuser acts as the sysadmin and the office of every committee — and,
# to keep the three administrators apart, as nothing else (it cannot read the audit log).
SUPERUSER_ROLES = frozenset({Role.SYSADMIN, Role.OFFICE})


def can(user: Any, rule: Rule, action: str = "read") -> bool:
    """Return whether the user's role may `read` or `write` under the rule."""
    if not getattr(user, "is_authenticated", False):
        return False
    allowed: frozenset[str] = getattr(rule, action)
    if user.is_superuser:
        return bool(allowed & SUPERUSER_ROLES)
    return user.role in allowed


class RolePermission(BasePermission):
    """DRF permission reading the view's `permission_rule` (or `action_rules[action]`)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        rule_action = getattr(view, "action_rules", {}).get(getattr(view, "action", None))
        if rule_action is not None:
            rule, action = rule_action
        else:
            rule = view.permission_rule
            action = "read" if request.method in SAFE_METHODS else "write"
        return can(request.user, rule, action)
