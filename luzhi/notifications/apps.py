from typing import Any

from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "luzhi.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self) -> None:
        checks.register(old_webhook_setting)


def old_webhook_setting(**kwargs: Any) -> list[checks.CheckMessage]:
    """The deployment-wide webhook is gone: say so where it is still set, rather than ignore it silently."""
    from luzhi.notifications.channels import setting

    if not setting("LUZHI_NOTIFY_WEBHOOK_URL"):
        return []
    return [
        checks.Warning(
            "LUZHI_NOTIFY_WEBHOOK_URL 已不再使用：它把每个人的私人消息都发到同一个群。",
            hint="请由各政协办公室在“消息 › 群聊推送”中添加本会的群机器人或 Webhook（只推送本会的通知公告与会议）。",
            id="luzhi.notifications.W001",
        )
    ]
