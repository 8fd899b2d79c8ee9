"""The ways a message leaves Luzhi: a person's own channels and a committee's group robots.

Person channels (each needs the deployment's switch or credentials, the person's setting and
the person's address):
  sms       core.sms.send_sms to the member's mobile          LUZHI_NOTIFY_SMS (default on)
  email     Django's mail backend to the account's e-mail     LUZHI_NOTIFY_EMAIL=1
  wecom     企业微信 application message to member.wecom_userid
            LUZHI_WECOM_CORP_ID, LUZHI_WECOM_SECRET, LUZHI_WECOM_AGENT_ID, LUZHI_WECOM_BASE_URL
  dingtalk  钉钉 work notice to member.dingtalk_userid
            LUZHI_DINGTALK_APP_KEY, LUZHI_DINGTALK_APP_SECRET, LUZHI_DINGTALK_AGENT_ID,
            LUZHI_DINGTALK_BASE_URL
Group channels (GroupChannel rows, set by a committee's office): wecom_robot (plain post),
dingtalk_robot (signed with its secret when it has one), webhook (JSON).
Links are made absolute with LUZHI_SITE_URL when it is set. Every sender raises
DeliveryError with a Chinese reason when the message did not go out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from luzhi.core.sms import SMSError, normalise_mobile, send_sms


class DeliveryError(Exception):
    """The channel did not take the message; the text says why (kept on the delivery row)."""


def setting(name: str, default: Any = None) -> Any:
    """A Django setting, else the environment, else `default`."""
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name)
    return default if value in (None, "") else value


def _on(name: str, default: bool) -> bool:
    return str(setting(name, "1" if default else "0")).lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    link: str = ""

    def text(self, limit: int = 1000) -> str:
        site = str(setting("LUZHI_SITE_URL", "")).rstrip("/")
        link = f"{site}{self.link}" if site and self.link.startswith("/") else ""
        parts = [self.title, self.body.strip(), link]
        return "\n".join(p for p in parts if p)[:limit]


# ---- HTTP, as the providers speak it ------------------------------------------------------


def _timeout() -> float:
    return float(setting("LUZHI_NOTIFY_HTTP_TIMEOUT", 10))


def http_json(url: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    """GET (no payload) or POST JSON; return the status and the decoded answer (None if not JSON)."""
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="GET" if payload is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310 - configured URLs
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"对方服务器返回 HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryError(f"无法连接：{getattr(exc, 'reason', exc)}") from exc
    try:
        return status, json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return status, None


def _check_errcode(answer: Any, what: str) -> Any:
    """企业微信 and 钉钉 answer HTTP 200 with errcode ≠ 0 when they refuse."""
    if not isinstance(answer, dict):
        raise DeliveryError(f"{what}返回了无法识别的应答")
    if answer.get("errcode", 0) not in (0, "0"):
        raise DeliveryError(f"{what}返回错误 {answer.get('errcode')}：{answer.get('errmsg', '')}"[:480])
    return answer


# ---- person channels ----------------------------------------------------------------------


class PersonChannel:
    """One of a person's own channels."""

    name = ""

    def configured(self) -> bool:
        raise NotImplementedError

    def target(self, user: Any) -> str:
        """The person's address on this channel, "" when there is none."""
        raise NotImplementedError

    def send(self, target: str, message: Message) -> None:
        raise NotImplementedError


def _member(user: Any) -> Any:
    return user.member if getattr(user, "member_id", None) else None


class SMSChannel(PersonChannel):
    name = "sms"

    def configured(self) -> bool:
        return _on("LUZHI_NOTIFY_SMS", True)

    def target(self, user: Any) -> str:
        member = _member(user)
        return (normalise_mobile(member.phone) or "") if member else ""

    def send(self, target: str, message: Message) -> None:
        try:
            send_sms(target, message.text(limit=300), template="notification")
        except SMSError as exc:
            raise DeliveryError(f"短信未发出：{exc}") from exc


class EmailChannel(PersonChannel):
    name = "email"

    def configured(self) -> bool:
        return _on("LUZHI_NOTIFY_EMAIL", False)

    def target(self, user: Any) -> str:
        return (user.email or "").strip()

    def send(self, target: str, message: Message) -> None:
        from django.core.mail import send_mail

        try:
            send_mail(message.title, message.text(limit=10000), None, [target], fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - smtplib, socket and backend errors alike
            raise DeliveryError(f"邮件未发出：{exc}") from exc


def _token(cache_key: str, url: str, what: str) -> str:
    """An access token of the provider, kept in the cache a little shorter than it lives."""
    token = cache.get(cache_key)
    if token:
        return token
    _status, answer = http_json(url)
    answer = _check_errcode(answer, what)
    token = answer.get("access_token")
    if not token:
        raise DeliveryError(f"{what}未返回 access_token")
    cache.set(cache_key, token, max(60, int(answer.get("expires_in", 7200)) - 300))
    return token


class WeComChannel(PersonChannel):
    """企业微信 application message (应用消息) to one member's userid."""

    name = "wecom"

    def _base(self) -> str:
        return str(setting("LUZHI_WECOM_BASE_URL", "https://qyapi.weixin.qq.com")).rstrip("/")

    def configured(self) -> bool:
        return all(setting(n) for n in ("LUZHI_WECOM_CORP_ID", "LUZHI_WECOM_SECRET", "LUZHI_WECOM_AGENT_ID"))

    def target(self, user: Any) -> str:
        member = _member(user)
        return (member.wecom_userid or "").strip() if member else ""

    def send(self, target: str, message: Message) -> None:
        corp, secret = setting("LUZHI_WECOM_CORP_ID"), setting("LUZHI_WECOM_SECRET")
        query = urllib.parse.urlencode({"corpid": corp, "corpsecret": secret})
        token = _token(f"luzhi:wecom-token:{corp}", f"{self._base()}/cgi-bin/gettoken?{query}", "企业微信")
        payload = {
            "touser": target,
            "msgtype": "text",
            "agentid": int(setting("LUZHI_WECOM_AGENT_ID")),
            "text": {"content": message.text()},
        }
        url = f"{self._base()}/cgi-bin/message/send?access_token={urllib.parse.quote(token)}"
        answer = _check_errcode(http_json(url, payload)[1], "企业微信")
        if answer.get("errcode") in (40014, 42001):  # the token expired early: the next attempt fetches anew
            cache.delete(f"luzhi:wecom-token:{corp}")
        if answer.get("invaliduser"):
            raise DeliveryError(f"企业微信中没有该成员：{answer['invaliduser']}")


class DingTalkChannel(PersonChannel):
    """钉钉 work notice (工作通知) to one member's userid."""

    name = "dingtalk"

    def _base(self) -> str:
        return str(setting("LUZHI_DINGTALK_BASE_URL", "https://oapi.dingtalk.com")).rstrip("/")

    def configured(self) -> bool:
        names = ("LUZHI_DINGTALK_APP_KEY", "LUZHI_DINGTALK_APP_SECRET", "LUZHI_DINGTALK_AGENT_ID")
        return all(setting(n) for n in names)

    def target(self, user: Any) -> str:
        member = _member(user)
        return (member.dingtalk_userid or "").strip() if member else ""

    def send(self, target: str, message: Message) -> None:
        key, secret = setting("LUZHI_DINGTALK_APP_KEY"), setting("LUZHI_DINGTALK_APP_SECRET")
        query = urllib.parse.urlencode({"appkey": key, "appsecret": secret})
        token = _token(f"luzhi:dingtalk-token:{key}", f"{self._base()}/gettoken?{query}", "钉钉")
        payload = {
            "agent_id": int(setting("LUZHI_DINGTALK_AGENT_ID")),
            "userid_list": target,
            "msg": {"msgtype": "text", "text": {"content": message.text()}},
        }
        path = "/topapi/message/corpconversation/asyncsend_v2"
        _check_errcode(http_json(f"{self._base()}{path}?access_token={urllib.parse.quote(token)}", payload)[1], "钉钉")


PERSON_CHANNELS: dict[str, PersonChannel] = {
    c.name: c for c in (SMSChannel(), EmailChannel(), WeComChannel(), DingTalkChannel())
}


# ---- group channels -----------------------------------------------------------------------


def dingtalk_signed(url: str, secret: str, now_ms: int | None = None) -> str:
    """The robot URL with 钉钉's 加签 parameters: timestamp and base64(HMAC-SHA256(secret, ts\\nsecret))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def send_group(*, kind: str, url: str, secret: str, message: Message, event: str, key: str, committee: Any) -> None:
    """Post committee news to one group channel; raise DeliveryError when it was refused."""
    text = {"msgtype": "text", "text": {"content": message.text()}}
    if kind == "dingtalk_robot":
        _check_errcode(http_json(dingtalk_signed(url, secret) if secret else url, text)[1], "钉钉群机器人")
    elif kind == "wecom_robot":
        _check_errcode(http_json(url, text)[1], "企业微信群机器人")
    else:
        payload = {
            **text,
            "luzhi": {
                "event": event,
                "key": key,
                "committee": committee,
                "title": message.title,
                "body": message.body,
                "link": message.link,
            },
        }
        status, _answer = http_json(url, payload)
        if not 200 <= status < 300:
            raise DeliveryError(f"Webhook 返回 HTTP {status}")
