"""Browser flow of two-factor login: an administrator binds a 动态口令 from the QR page, then logs in with a code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _code(secret: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_an_administrator_binds_a_device_then_logs_in_with_its_code(page, live_server, users):
    login(page, live_server, users["secadmin"].username, PASSWORD)
    assert page.url == f"{live_server.url}/accounts/otp/"
    assert page.locator("svg.segno").is_visible()  # the QR code, drawn on the server
    page.goto(f"{live_server.url}/accounts/security/")
    assert page.url == f"{live_server.url}/accounts/otp/"  # nothing else opens before enrolment

    secret = page.locator(".font-monospace").inner_text()
    page.fill("input[name=code]", _code(secret))
    page.get_by_role("button", name="确认绑定").click()
    page.wait_for_load_state("networkidle")
    assert "动态口令已绑定" in page.content()

    page.goto(f"{live_server.url}/accounts/security/")
    assert "已绑定动态口令的账号" in page.content()
    page.get_by_role("button", name=users["secadmin"].username).click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_load_state("networkidle")

    login(page, live_server, users["secadmin"].username, PASSWORD)
    assert page.locator("input[name=code]").is_visible()
    page.fill("input[name=code]", _code(secret, steps_ahead=1))
    page.get_by_role("button", name="验证并登录").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.url
