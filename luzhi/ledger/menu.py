"""The ledger's entries in the menu."""

from luzhi.core.menu import Section
from luzhi.ledger import permissions


def sections() -> list[Section]:
    return [
        (
            "督办台账",
            [
                ("年度计划与督办台账", "ledger:plan", "list-check", permissions.PLAN_ITEMS, "read"),
                ("新增督办事项", "ledger:item-create", "plus-circle", permissions.PLAN_ITEMS, "write"),
                ("公示栏", "ledger:board", "trophy", permissions.BOARD, "read"),
                ("月度工作计划", "ledger:monthly", "calendar-month", permissions.MONTHLY_PLANS, "read"),
            ],
        )
    ]
