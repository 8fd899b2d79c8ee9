"""Research's entries in the menu."""

from luzhi.core.menu import Section
from luzhi.research import permissions


def sections() -> list[Section]:
    return [
        (
            "调研",
            [
                ("年度调研课题", "research:year", "search", permissions.TOPICS, "read"),
                ("登记调研课题", "research:topic-create", "plus-circle", permissions.TOPICS, "write"),
            ],
        )
    ]
