"""{{ user|person }}: how a person is credited on a page — their real name, never only a login name."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """The member's name when the member row is already loaded, else the account's full name, else its login.

    Never a query: lists pass users fetched with select_related, and a filter that looked up each
    member would be one query per row.
    """
    if user is None or user == "":
        return ""
    fields = getattr(getattr(user, "_state", None), "fields_cache", {})
    member = fields.get("member")
    if member is not None:
        return member.name
    return user.get_full_name() or user.get_username()
