"""Who may manage accounts and security (三员分立: each administrator has one job)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from luzhi.core.permissions import Rule
from luzhi.core.roles import ADMINS, EVERYONE, Role

USERS = Rule(read=frozenset({Role.SYSADMIN}), write=frozenset({Role.SYSADMIN}))
SECURITY = Rule(read=frozenset({Role.SECADMIN}), write=frozenset({Role.SECADMIN}))
AUDIT = Rule(read=frozenset({Role.AUDITOR}), write=frozenset())
ME = Rule(read=EVERYONE, write=frozenset())
# The SMS outbox (sending failures): the office, and the sysadmin who bulk-creates accounts.
SMS_OUTBOX = Rule(read=frozenset({Role.OFFICE, Role.SYSADMIN}), write=frozenset({Role.OFFICE, Role.SYSADMIN}))
# The recycle bin: the office puts back what its committee deleted.
RECYCLE = Rule(read=frozenset({Role.OFFICE}), write=frozenset({Role.OFFICE}))

OWN_ACCOUNT_REFUSED = "不能修改自己的账号（角色、密码、状态等）；三员账号只能在服务器上用管理命令 admin_account 重置。"
ADMIN_ACCOUNT_REFUSED = (
    "三员账号（系统管理员、安全管理员、安全审计员）只能在服务器上用管理命令 admin_account 创建和重置，"
    "不能通过接口或页面修改。"
)
ADMIN_ROLE_REFUSED = (
    "不能通过接口或页面授予三员角色（系统管理员、安全管理员、安全审计员）；"
    "三员账号只能在服务器上用管理命令 admin_account 创建。"
)


class AccountChangeRefused(PermissionDenied):
    """An account change that 三员分立 keeps away from the API and the pages."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_account_change(*, actor: Any, account: Any | None, role: str | None) -> None:
    """Refuse a change of one's own account, of an administrator's account, or a grant of an administrator role.

    Through the API and the pages the sysadmin keeps the committee's ordinary accounts only; the
    three administrators' accounts are created and reset by `manage.py admin_account` on the server,
    so that no administrator can make themselves another one (or log in as one).
    """
    if account is not None:
        if account.pk == getattr(actor, "pk", None):
            raise AccountChangeRefused(OWN_ACCOUNT_REFUSED)
        if account.role in ADMINS or account.is_superuser:
            raise AccountChangeRefused(ADMIN_ACCOUNT_REFUSED)
    if role in ADMINS:
        raise AccountChangeRefused(ADMIN_ROLE_REFUSED)
