"""The frame every page shares: login, logout, menu, error pages, the date filter."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from luzhi.core.templatetags.luzhi import cn_date
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_logs_in(users):
    client = Client()
    assert "用户名" in client.get("/login/").content.decode()
    response = client.post("/login/", {"username": users["office"].username, "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_chinese_error_and_does_not_log_in(users):
    client = Client()
    response = client.post("/login/", {"username": users["office"].username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_with_the_chinese_message(users):
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": users["member"].username, "password": "wrong"})
    response = client.post("/login/", {"username": users["member"].username, "password": f.PASSWORD})
    assert response.status_code == 403
    assert "账号已锁定" in response.content.decode()


def test_anonymous_users_are_sent_to_login(db):
    response = Client().get("/org/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_logout_is_a_post_form_in_the_menu(users, page):
    client = page(users["member"])
    html = client.get("/").content.decode()
    assert 'action="/logout/"' in html
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_menu_follows_the_role(users, page):
    office = page(users["office"]).get("/").content.decode()
    member = page(users["member"]).get("/").content.decode()
    auditor = page(users["auditor"]).get("/").content.decode()
    sysadmin = page(users["sysadmin"]).get("/").content.decode()
    assert "/org/members/import/" in office and "/org/members/import/" not in member
    assert "/accounts/audit/" in auditor and "/accounts/audit/" not in sysadmin
    assert "/accounts/users/" in sysadmin and "/accounts/users/" not in office
    assert "示例县政协" in member


def test_home_shows_role_and_member_counts(committee, users, page):
    f.MemberFactory.create_batch(3, committee=committee, position="standing")
    f.MemberFactory(committee=committee, status="resigned")
    html = page(users["office"]).get("/").content.decode()
    assert "办公室" in html
    assert "常委" in html
    # users fixture adds two members (the leader's and the member's): 6 in all.
    assert '<div class="lz-stat">6</div>' in html


def test_a_wrong_role_gets_the_chinese_403_page(users, page):
    response = page(users["member"]).get("/accounts/users/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_unknown_page_gets_the_chinese_404_page(users, page):
    response = page(users["member"]).get("/org/nothing-here/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_500_page_is_chinese_without_a_trace(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "系统出错" in html and "Traceback" not in html


def test_cn_date():
    assert cn_date(date(2023, 5, 1)) == "2023年5月1日"
    at = datetime(2023, 4, 30, 17, 5, tzinfo=ZoneInfo("UTC"))
    assert cn_date(at) == "2023年5月1日"
    assert cn_date(at, True) == "2023年5月1日 01:05"
    assert cn_date(None) == ""
