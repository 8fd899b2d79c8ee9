"""core.sms: mainland mobile numbers, the file and locmem backends, unknown channels."""

from __future__ import annotations

import json

import pytest

from luzhi.core import sms


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("0086 13912345678", "13912345678"),
        ("(139) 1234 5678", "13912345678"),
        ("12912345678", None),
        ("1391234567", None),
        ("139123456789", None),
        ("０１３９", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_mobile(raw, expected) -> None:
    assert sms.normalise_mobile(raw) == expected


def test_file_backend_appends_json_lines(settings, tmp_path) -> None:
    target = tmp_path / "deep" / "sms.jsonl"
    settings.LUZHI_SMS_BACKEND = f"file:{target}"
    sms.send_sms("+8613912345678", "您好", template="code", params={"code": "1"})
    sms.send_sms("13912345679", "再见")
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"to": "13912345678", "text": "您好", "template": "code", "params": {"code": "1"}}
    assert lines[1]["to"] == "13912345679"


def test_bad_number_and_unknown_backend_are_sms_errors(settings) -> None:
    settings.LUZHI_SMS_BACKEND = "locmem"
    with pytest.raises(sms.SMSError, match="手机号码"):
        sms.send_sms("12345", "x")
    settings.LUZHI_SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(sms.SMSError, match="未知的短信通道"):
        sms.send_sms("13912345678", "x")


def test_unwritable_file_is_an_sms_error(settings, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.LUZHI_SMS_BACKEND = f"file:{blocker}/sms.jsonl"
    with pytest.raises(sms.SMSError, match="写入短信文件失败"):
        sms.send_sms("13912345678", "x")
