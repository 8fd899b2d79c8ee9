"""This app's entries in the menu: (section title, [(label, url name, icon, rule, action)])."""

from luzhi.core.menu import Section
from luzhi.scoring import permissions as scoring


def sections() -> list[Section]:
    return [
        (
            "履职考评",
            [
                ("我的履职", "scoring:mine", "person-badge", scoring.MY_PAGE, "read"),
                ("履职积分", "scoring:scores", "trophy", scoring.SCORES, "read"),
                ("积分申诉", "scoring:appeals", "chat-left-dots", scoring.APPEAL_DECISIONS, "read"),
                ("考评细则", "scoring:rules", "list-check", scoring.RULE_SETS, "read"),
            ],
        )
    ]
