"""The kinds of news that concern a whole committee (and so may go to its group channels).

Everything else `notify` sends is meant for one person and never reaches a group chat.
"""

from __future__ import annotations

# kind → label shown to the office when it picks what a group channel carries.
COMMITTEE_EVENTS: dict[str, str] = {
    "notice_published": "通知公告、政情通报发布",
    "activity_scheduled": "会议活动安排",
    "activity_changed": "会议活动变更",
    "activity_cancelled": "会议活动取消",
    "agenda_changed": "会议议程变更",
}
