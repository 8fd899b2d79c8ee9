"""The accounts app's jobs: sending and retrying the SMS outbox (accounts.outbox)."""

from __future__ import annotations

from luzhi.accounts.outbox import sms_retry as _retry
from luzhi.accounts.outbox import sms_send as _send
from luzhi.core.jobs import job


@job("sms_send", description="发送已排队的短信（账号开通、验证码）。")
def sms_send(*, ids: list[int]) -> dict[str, int]:
    return _send(ids=ids)


@job("sms_retry", description="重发发送失败的短信，每条最多共发送3次。", schedule={"minute": "*/5"})
def sms_retry(*, limit: int = 1000) -> dict[str, int]:
    return _retry(limit=limit)


@job("account_letters_expire", description="清除超过24小时的账号通知书（含初始密码）。", schedule={"minute": 7})
def account_letters_expire() -> int:
    from luzhi.accounts.bulk import letters_expire

    return letters_expire()
