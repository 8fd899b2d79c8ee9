"""This app's entries in the menu: (section title, [(label, url name, icon, rule, action)])."""

from luzhi.core.menu import Section
from luzhi.opinions import permissions as p


def sections() -> list[Section]:
    return [
        (
            "社情民意",
            [
                ("写信息", "opinions:create", "pencil-square", p.REPORTS, "write"),
                ("我的信息", "opinions:mine", "journal-text", p.OWN_REPORTS, "read"),
                ("待办信息", "opinions:queue", "inbox", p.HANDLING, "read"),
                ("全部信息", "opinions:list", "list-ul", p.HANDLING, "read"),
                ("期刊编发", "opinions:bulletins", "newspaper", p.BULLETINS, "read"),
                ("民情记录", "opinions:grassroots", "chat-square-quote", p.GRASSROOTS, "read"),
                ("统计", "opinions:statistics", "bar-chart", p.STATISTICS, "read"),
            ],
        )
    ]
