"""This app's entries in the menu: (section title, [(label, url name, icon, rule, action)])."""

from luzhi.activities import permissions as p
from luzhi.core.menu import Section


def sections() -> list[Section]:
    return [
        (
            "活动",
            [
                ("活动日历", "activities:activity-list", "calendar-week", p.ACTIVITIES, "read"),
                ("新建活动", "activities:activity-create", "plus-circle", p.ACTIVITIES, "write"),
                ("我的活动", "activities:mine", "person-check", p.CALENDAR_FEED, "read"),
                ("请假审批", "activities:leave-list", "envelope-paper", p.LEAVE_DECIDE, "read"),
                ("制度要求落实", "activities:cadence", "clipboard-check", p.CADENCE_REPORT, "read"),
                ("读书学习", "activities:reading", "book", p.READING, "read"),
            ],
        )
    ]
