"""This app's entries in the menu: (section title, [(label, url name, icon, rule, action)])."""

from luzhi.core.menu import Section
from luzhi.notifications import permissions


def sections() -> list[Section]:
    return [
        (
            "消息",
            [
                ("消息", "notifications:inbox", "bell", permissions.INBOX, "read"),
                ("通知设置", "notifications:settings", "sliders", permissions.SETTINGS, "read"),
                ("群聊推送", "notifications:channels", "broadcast", permissions.CHANNELS, "read"),
                ("发送记录", "notifications:deliveries", "send-check", permissions.DELIVERIES, "read"),
            ],
        )
    ]
