"""SMS through Tencent Cloud (腾讯云短信) and Alibaba Cloud (阿里云短信), by their official Python SDKs.

`LUZHI_SMS_BACKEND=tencent` or `aliyun` selects one; `register()` (called when the accounts app is
ready) adds both to `core.sms.BACKENDS`. Mainland providers send only approved templates, so a
message goes by the template named in `send_sms(..., template=<name>, params={...})`:

| template  | parameters (in this order)        | used for                           |
|-----------|-----------------------------------|------------------------------------|
| `code`    | code                              | login / password-reset codes       |
| `account` | name, username, password          | bulk-created member accounts       |
| (none)    | text                              | anything else (template DEFAULT)   |

Tencent gets the values in order (TemplateParamSet), Alibaba the names as JSON (TemplateParam).
Environment (all read at send time):

- `LUZHI_SMS_TENCENT_SECRET_ID`, `LUZHI_SMS_TENCENT_SECRET_KEY`, `LUZHI_SMS_TENCENT_SDK_APP_ID`,
  `LUZHI_SMS_TENCENT_SIGN_NAME`, `LUZHI_SMS_TENCENT_REGION` (default ap-guangzhou),
  `LUZHI_SMS_TENCENT_TEMPLATE_CODE|ACCOUNT|DEFAULT` (template ids),
  `LUZHI_SMS_TENCENT_ENDPOINT` (default https://sms.tencentcloudapi.com).
- `LUZHI_SMS_ALIYUN_ACCESS_KEY_ID`, `LUZHI_SMS_ALIYUN_ACCESS_KEY_SECRET`, `LUZHI_SMS_ALIYUN_SIGN_NAME`,
  `LUZHI_SMS_ALIYUN_TEMPLATE_CODE|ACCOUNT|DEFAULT` (template codes, SMS_…),
  `LUZHI_SMS_ALIYUN_ENDPOINT` (default https://dysmsapi.aliyuncs.com).

The endpoints are settable so that the tests run both SDKs against a local HTTP server playing the
provider; every failure (network, credentials, the provider's refusal) becomes `SMSError`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from luzhi.core.sms import BACKENDS, SMSError

TIMEOUT_SECONDS = 10
TEMPLATE_PARAMS = {"code": ("code",), "account": ("name", "username", "password")}


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if not value:
        raise SMSError(f"短信通道未配置：缺少环境变量 {name}。")
    return value


def _endpoint(prefix: str, default: str) -> tuple[str, str]:
    """(scheme, host[:port]) of LUZHI_SMS_<P>_ENDPOINT."""
    raw = os.environ.get(f"{prefix}_ENDPOINT") or default
    parts = urlsplit(raw if "://" in raw else f"https://{raw}")
    return parts.scheme or "https", parts.netloc


def _template(prefix: str, text: str, extra: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The template id and its (name, value) parameters for one message."""
    name = extra.get("template") or ""
    params = extra.get("params") or {}
    if name in TEMPLATE_PARAMS:
        values = [(key, str(params.get(key, ""))) for key in TEMPLATE_PARAMS[name]]
        return _env(f"{prefix}_TEMPLATE_{name.upper()}"), values
    return _env(f"{prefix}_TEMPLATE_DEFAULT"), [("text", text)]


# ---- Tencent Cloud ---------------------------------------------------------------------------


def _tencent(_arg: str) -> Callable[[str, str, dict[str, Any]], None]:
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import models, sms_client

    prefix = "LUZHI_SMS_TENCENT"

    def send(to: str, text: str, extra: dict[str, Any]) -> None:
        scheme, host = _endpoint(prefix, "https://sms.tencentcloudapi.com")
        template, params = _template(prefix, text, extra)
        cred = credential.Credential(_env(f"{prefix}_SECRET_ID"), _env(f"{prefix}_SECRET_KEY"))
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=TIMEOUT_SECONDS)
        client = sms_client.SmsClient(
            cred, os.environ.get(f"{prefix}_REGION") or "ap-guangzhou", ClientProfile(httpProfile=http)
        )
        request = models.SendSmsRequest()
        request.SmsSdkAppId = _env(f"{prefix}_SDK_APP_ID")
        request.SignName = _env(f"{prefix}_SIGN_NAME")
        request.TemplateId = template
        request.TemplateParamSet = [value for _name, value in params]
        request.PhoneNumberSet = [f"+86{to}"]
        try:
            response = client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise SMSError(f"腾讯云短信发送失败：{exc.get_code()} {exc.get_message()}") from exc
        except Exception as exc:  # the SDK lets network and decoding errors through as they are
            raise SMSError(f"腾讯云短信发送失败：{exc}") from exc
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            status = statuses[0] if statuses else None
            raise SMSError(f"腾讯云短信发送失败：{getattr(status, 'Code', '无回执')} {getattr(status, 'Message', '')}")

    return send


# ---- Alibaba Cloud ---------------------------------------------------------------------------


def _aliyun(_arg: str) -> Callable[[str, str, dict[str, Any]], None]:
    from alibabacloud_dysmsapi20170525 import models
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi.utils_models import Config

    prefix = "LUZHI_SMS_ALIYUN"

    def send(to: str, text: str, extra: dict[str, Any]) -> None:
        scheme, host = _endpoint(prefix, "https://dysmsapi.aliyuncs.com")
        template, params = _template(prefix, text, extra)
        config = Config(
            access_key_id=_env(f"{prefix}_ACCESS_KEY_ID"),
            access_key_secret=_env(f"{prefix}_ACCESS_KEY_SECRET"),
            endpoint=host,
            protocol=scheme,
            read_timeout=TIMEOUT_SECONDS * 1000,
            connect_timeout=TIMEOUT_SECONDS * 1000,
        )
        request = models.SendSmsRequest(
            phone_numbers=to,
            sign_name=_env(f"{prefix}_SIGN_NAME"),
            template_code=template,
            template_param=json.dumps(dict(params), ensure_ascii=False),
        )
        try:
            response = Client(config).send_sms(request)
        except Exception as exc:  # Tea raises its own errors for HTTP failures, others for the network
            code = getattr(exc, "code", "") or ""
            message = getattr(exc, "message", "") or str(exc)
            raise SMSError(f"阿里云短信发送失败：{code} {message}".strip()) from exc
        body = response.body
        if body is None or body.code != "OK":
            raise SMSError(f"阿里云短信发送失败：{getattr(body, 'code', '无回执')} {getattr(body, 'message', '')}")

    return send


def register() -> None:
    BACKENDS.setdefault("tencent", _tencent)
    BACKENDS.setdefault("aliyun", _aliyun)
