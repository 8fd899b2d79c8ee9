"""The members' channels in the menu (履职服务)."""

from luzhi.core.menu import Section
from luzhi.participation import permissions


def sections() -> list[Section]:
    return [
        (
            "履职服务",
            [
                ("通知公告", "participation:notices", "megaphone", permissions.NOTICES, "read"),
                ("网络议政", "participation:topics", "chat-square-text", permissions.TOPICS, "read"),
                ("履职备案", "participation:reports", "journal-check", permissions.SELF_REPORTS, "read"),
                ("书库", "participation:library", "book", permissions.LIBRARY, "read"),
                ("特邀人员", "participation:guests", "person-badge", permissions.GUESTS, "write"),
            ],
        )
    ]
