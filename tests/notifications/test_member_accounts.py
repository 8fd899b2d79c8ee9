"""The member's own 企业微信 and 钉钉 accounts: kept by the office on the member record, hidden from others."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def test_the_office_sets_a_members_wecom_and_dingtalk_accounts(api, users):
    member = users["member"].member
    url = f"/api/v1/members/{member.pk}/"
    response = api(users["office"]).patch(url, {"wecom_userid": "ZhangSan", "dingtalk_userid": "0423"}, format="json")
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert (member.wecom_userid, member.dingtalk_userid) == ("ZhangSan", "0423")
    assert api(users["office"]).get(url).json()["wecom_userid"] == "ZhangSan"
    seen = api(users["leader"]).get(url).json()
    assert seen["wecom_userid"] == "***" and seen["dingtalk_userid"] == "***"
    assert api(users["member"]).patch(url, {"wecom_userid": "x"}, format="json").status_code == 403


def test_the_member_form_has_the_two_accounts(users):
    member = users["member"].member
    html = verified_login(Client(), users["office"]).get(f"/org/members/{member.pk}/edit/").content.decode()
    assert 'name="wecom_userid"' in html and 'name="dingtalk_userid"' in html
