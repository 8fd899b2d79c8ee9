"""Tencent Cloud and Alibaba Cloud SMS adapters via their official SDKs, against a local fake provider."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from luzhi.core.sms import SMSError, send_sms

TENCENT_OK = {
    "Response": {
        "SendStatusSet": [
            {
                "SerialNo": "1",
                "PhoneNumber": "+8613912345678",
                "Fee": 1,
                "SessionContext": "",
                "Code": "Ok",
                "Message": "send success",
                "IsoCode": "CN",
            }
        ],
        "RequestId": "r-1",
    }
}
TENCENT_ERROR = {
    "Response": {"Error": {"Code": "AuthFailure.SecretIdNotFound", "Message": "密钥不存在"}, "RequestId": "r-2"}
}
TENCENT_REFUSED = {
    "Response": {
        "SendStatusSet": [
            {
                "SerialNo": "",
                "PhoneNumber": "+8613912345678",
                "Fee": 0,
                "SessionContext": "",
                "Code": "LimitExceeded.PhoneNumberDailyLimit",
                "Message": "单日频率超限",
                "IsoCode": "CN",
            }
        ],
        "RequestId": "r-3",
    }
}
ALIYUN_OK = {"Message": "OK", "RequestId": "a-1", "BizId": "b-1", "Code": "OK"}
ALIYUN_REFUSED = {"Message": "触发号码天级流控", "RequestId": "a-2", "Code": "isv.BUSINESS_LIMIT_CONTROL"}


class FakeProvider:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: tuple[int, dict[str, Any]] = (200, {})


@pytest.fixture
def provider() -> Iterator[tuple[FakeProvider, str]]:
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            fake.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "query": parse_qs(self.path.partition("?")[2]),
                }
            )
            status, answer = fake.answer
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tencent(provider, settings, monkeypatch) -> FakeProvider:
    fake, url = provider
    settings.LUZHI_SMS_BACKEND = "tencent"
    for name, value in {
        "SECRET_ID": "AKIDtest",
        "SECRET_KEY": "secret",
        "SDK_APP_ID": "1400000000",
        "SIGN_NAME": "示例政协",
        "TEMPLATE_CODE": "100001",
        "TEMPLATE_DEFAULT": "100003",
        "ENDPOINT": url,
    }.items():
        monkeypatch.setenv(f"LUZHI_SMS_TENCENT_{name}", value)
    return fake


@pytest.fixture
def aliyun(provider, settings, monkeypatch) -> FakeProvider:
    fake, url = provider
    settings.LUZHI_SMS_BACKEND = "aliyun"
    for name, value in {
        "ACCESS_KEY_ID": "LTAItest",
        "ACCESS_KEY_SECRET": "secret",
        "SIGN_NAME": "示例政协",
        "TEMPLATE_CODE": "SMS_1",
        "TEMPLATE_DEFAULT": "SMS_3",
        "ENDPOINT": url,
    }.items():
        monkeypatch.setenv(f"LUZHI_SMS_ALIYUN_{name}", value)
    return fake


def test_tencent_sends_the_template_and_its_parameters(tencent) -> None:
    tencent.answer = (200, TENCENT_OK)
    send_sms("139 1234 5678", "验证码123456", template="code", params={"code": "123456"})
    [request] = tencent.requests
    body = json.loads(request["body"])
    assert request["headers"]["X-TC-Action"] == "SendSms"
    assert request["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKIDtest/")
    assert body["PhoneNumberSet"] == ["+8613912345678"]
    assert body["TemplateId"] == "100001" and body["TemplateParamSet"] == ["123456"]
    assert body["SignName"] == "示例政协" and body["SmsSdkAppId"] == "1400000000"


def test_tencent_plain_text_goes_by_the_default_template(tencent) -> None:
    tencent.answer = (200, TENCENT_OK)
    send_sms("13912345678", "会议通知")
    assert json.loads(tencent.requests[0]["body"])["TemplateParamSet"] == ["会议通知"]


@pytest.mark.parametrize(("answer", "words"), [(TENCENT_ERROR, "AuthFailure"), (TENCENT_REFUSED, "LimitExceeded")])
def test_tencent_errors_become_sms_error(tencent, answer, words) -> None:
    tencent.answer = (200, answer)
    with pytest.raises(SMSError, match=words):
        send_sms("13912345678", "验证码", template="code", params={"code": "1"})


def test_aliyun_sends_the_template_and_its_parameters(aliyun) -> None:
    aliyun.answer = (200, ALIYUN_OK)
    send_sms("13912345678", "验证码123456", template="code", params={"code": "123456"})
    [request] = aliyun.requests
    fields = {**request["query"], **parse_qs(request["body"])}
    assert request["headers"]["x-acs-action"] == "SendSms" and fields["PhoneNumbers"] == ["13912345678"]
    assert fields["TemplateCode"] == ["SMS_1"] and json.loads(fields["TemplateParam"][0]) == {"code": "123456"}
    assert fields["SignName"] == ["示例政协"]
    assert request["headers"]["Authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAItest,")


@pytest.mark.parametrize(
    "answer",
    [
        (200, ALIYUN_REFUSED),
        (400, {"Code": "InvalidAccessKeyId.NotFound", "Message": "Specified access key is not found."}),
    ],
)
def test_aliyun_errors_become_sms_error(aliyun, answer) -> None:
    aliyun.answer = answer
    with pytest.raises(SMSError, match="阿里云短信发送失败"):
        send_sms("13912345678", "验证码", template="code", params={"code": "1"})


def test_missing_configuration_is_an_sms_error(settings, monkeypatch) -> None:
    settings.LUZHI_SMS_BACKEND = "tencent"
    monkeypatch.delenv("LUZHI_SMS_TENCENT_SECRET_ID", raising=False)
    monkeypatch.setenv("LUZHI_SMS_TENCENT_TEMPLATE_DEFAULT", "1")
    with pytest.raises(SMSError, match="LUZHI_SMS_TENCENT_SECRET_ID"):
        send_sms("13912345678", "x")


def test_unreachable_provider_is_an_sms_error(tencent, monkeypatch) -> None:
    monkeypatch.setenv("LUZHI_SMS_TENCENT_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(SMSError, match="腾讯云短信发送失败"):
        send_sms("13912345678", "x")
