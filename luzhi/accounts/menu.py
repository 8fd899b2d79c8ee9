"""The three administrators' entries in the menu."""

from luzhi.accounts import permissions as accounts
from luzhi.core.menu import Section


def sections() -> list[Section]:
    return [
        (
            "系统",
            [
                ("用户管理", "accounts:user-list", "person-gear", accounts.USERS, "read"),
                ("批量开通账号", "accounts:member-accounts", "people", accounts.USERS, "write"),
                ("短信发送记录", "accounts:sms-outbox", "chat-dots", accounts.SMS_OUTBOX, "read"),
                ("安全设置", "accounts:security", "shield-lock", accounts.SECURITY, "read"),
                ("审计日志", "accounts:audit", "journal-text", accounts.AUDIT, "read"),
                ("回收站", "accounts:recycle", "recycle", accounts.RECYCLE, "read"),
            ],
        ),
    ]
