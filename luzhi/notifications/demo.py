"""Demo group channels of the county: switched off until the office puts in its real robot addresses."""

from __future__ import annotations

from collections import Counter

from luzhi.accounts.models import User
from luzhi.notifications import services
from luzhi.notifications.models import GroupChannel
from luzhi.org.models import Committee

CHANNELS = [
    (
        "示例：委员企业微信群",
        "wecom_robot",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=REPLACE-ME",
        ["notice_published", "activity_scheduled", "activity_changed", "activity_cancelled", "agenda_changed"],
    ),
    (
        "示例：机关钉钉群",
        "dingtalk_robot",
        "https://oapi.dingtalk.com/robot/send?access_token=REPLACE-ME",
        ["notice_published"],
    ),
]


def demo_load(*, county: Committee) -> Counter:
    """Add two group channels to the county, switched off (once)."""
    created: Counter = Counter()
    if GroupChannel.objects.filter(committee=county).exists():
        return created
    office = User.objects.filter(committee=county, role="office").order_by("id").first()
    for name, kind, url, events in CHANNELS:
        data = {"name": name, "kind": kind, "url": url, "events": events, "active": False}
        services.group_channel_create(actor=office, committee=county, data=data)
        created["群聊推送渠道"] += 1
    return created
