"""This app's entries in the menu (提案)."""

from luzhi.core.menu import Section
from luzhi.proposals import permissions


def sections() -> list[Section]:
    return [
        (
            "提案",
            [
                ("撰写提案", "proposals:create", "pencil-square", permissions.PROPOSALS, "write"),
                ("提案列表", "proposals:list", "journal-text", permissions.PROPOSALS, "read"),
                ("到期提醒", "proposals:reminders", "alarm", permissions.REVIEW, "read"),
                ("提案统计", "proposals:stats", "bar-chart", permissions.STATS, "read"),
            ],
        )
    ]
