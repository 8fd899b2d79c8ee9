"""Forms of the notification pages: one's own settings and a committee's group channels."""

from __future__ import annotations

from typing import Any

from django import forms

from luzhi.core.pages import ServiceModelForm, plain_messages, style_widgets
from luzhi.notifications.events import COMMITTEE_EVENTS
from luzhi.notifications.models import GroupChannel, NotificationSettings


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["sms", "email", "wecom", "dingtalk", "digest"]
        help_texts = {"digest": "每日汇总：短信、邮件、企业微信、钉钉每天只发一条汇总；平台内消息总是即时的。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        plain_messages(self)


class GroupChannelForm(ServiceModelForm):
    events = forms.MultipleChoiceField(
        label="推送的事件", choices=list(COMMITTEE_EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        label="签名密钥", required=False, max_length=200, help_text="钉钉群机器人“加签”的密钥；修改时留空则不变。"
    )

    class Meta:
        model = GroupChannel
        fields = ["name", "kind", "url", "secret", "events", "active"]
        help_texts = {"url": "群机器人的 Webhook 地址（http:// 或 https://）。"}
