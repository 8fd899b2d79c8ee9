"""Text messages (短信): the one way any feature sends an SMS.

`send_sms(to, text)` hands one message to the backend named by LUZHI_SMS_BACKEND and raises
SMSError when it was not accepted; callers decide whether to retry. Backends:

- `file:<path>` (development and tests): appends one JSON line `{"to","text"}` per message.
- `locmem`: keeps messages in `outbox` (a list in this process).
- `tencent`, `aliyun`: the providers' official SDKs (registered by their adapters).

Unset, messages go to `file:<LUZHI_VAR_DIR>/sms.jsonl`, so `make run` never sends for real.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

# Mainland mobile numbers: 11 digits starting 13–19, optionally written with +86.
MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SMSError(Exception):
    """The backend did not accept the message (network, credentials, the provider's answer)."""


def normalise_mobile(value: str | None) -> str | None:
    """The 11-digit mainland mobile number in `value` (spaces, dashes, +86 removed), else None."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if MOBILE.match(digits) else None


outbox: list[dict[str, Any]] = []
_file_lock = threading.Lock()


def _file_backend(path: str) -> Callable[[str, str, dict[str, Any]], None]:
    def send(to: str, text: str, extra: dict[str, Any]) -> None:
        target = Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps({"to": to, "text": text, **extra}, ensure_ascii=False)
            with _file_lock, target.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError as exc:
            raise SMSError(f"写入短信文件失败：{exc}") from exc

    return send


def _locmem_backend(_arg: str) -> Callable[[str, str, dict[str, Any]], None]:
    def send(to: str, text: str, extra: dict[str, Any]) -> None:
        outbox.append({"to": to, "text": text, **extra})

    return send


# name → factory(argument after the colon) → send(to, text, extra)
BACKENDS: dict[str, Callable[[str], Callable[[str, str, dict[str, Any]], None]]] = {
    "file": _file_backend,
    "locmem": _locmem_backend,
}


def backend_spec() -> str:
    spec = getattr(settings, "LUZHI_SMS_BACKEND", "") or os.environ.get("LUZHI_SMS_BACKEND", "")
    return spec or f"file:{Path(settings.VAR_DIR) / 'sms.jsonl'}"


def send_sms(to: str, text: str, **extra: Any) -> None:
    """Send `text` to the mainland mobile `to`; raise SMSError when it did not go out.

    `extra` (e.g. template="password", params={...}) is passed to backends that send by
    provider templates; the file backend records it beside the text.
    """
    phone = normalise_mobile(to)
    if phone is None:
        raise SMSError("不是有效的大陆手机号码。")
    name, _, arg = backend_spec().partition(":")
    factory = BACKENDS.get(name)
    if factory is None:
        raise SMSError(f"未知的短信通道：{name}")
    factory(arg)(phone, text, extra)
