"""Roster, member record, member edit and restore pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luzhi.core.models import AuditEntry
from luzhi.org.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db


def _member_form(**overrides):
    data = {
        "name": "李四",
        "gender": "F",
        "ethnicity": "回族",
        "birth_date": "1980-02-28",
        "party": "cdl",
        "position": "member",
        "workplace": "县医院",
        "phone": "13900001111",
        "status": "active",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# ---- roster ----------------------------------------------------------------------------


def test_roster_lists_own_committee_only(committee, other_committee, users, page):
    f.MemberFactory(committee=committee, name="本县委员")
    f.MemberFactory(committee=other_committee, name="外县委员")
    html = page(users["leader"]).get("/org/members/").content.decode()
    assert "本县委员" in html
    assert "外县委员" not in html


def test_roster_is_closed_to_a_handling_unit(users, page):
    assert page(users["unit"]).get("/org/members/").status_code == 403


def test_roster_filters_by_sector_position_and_search(committee, users, page):
    sector = f.SectorFactory(committee=committee, name="教育界")
    f.MemberFactory(committee=committee, name="甲老师", sector=sector, position="standing")
    f.MemberFactory(committee=committee, name="乙老师", sector=sector, position="member")
    f.MemberFactory(committee=committee, name="丙医生", position="standing", workplace="县医院")
    client = page(users["office"])
    html = client.get(f"/org/members/?sector={sector.pk}&position=standing").content.decode()
    assert "甲老师" in html and "乙老师" not in html and "丙医生" not in html
    html = client.get("/org/members/?q=县医院").content.decode()
    assert "丙医生" in html and "甲老师" not in html
    # The form offers the committee's sectors by name and Chinese choice labels.
    assert "教育界</option>" in html and "常委</option>" in html


def test_roster_filter_with_nonsense_values_does_not_fail(users, page):
    response = page(users["office"]).get("/org/members/?sector=abc&status=nonsense&page=zzz")
    assert response.status_code == 200


def test_roster_paginates_by_50_and_keeps_filters_in_page_links(committee, users, page):
    f.MemberFactory.create_batch(55, committee=committee, status="resigned")
    client = page(users["office"])
    first = client.get("/org/members/?status=resigned")
    assert len(first.context["page"].object_list) == 50
    assert "?status=resigned&amp;page=2" in first.content.decode()
    second = client.get("/org/members/?status=resigned&page=2")
    assert len(second.context["page"].object_list) == 5


def test_roster_masks_phones_for_everyone_but_the_office(committee, users, page):
    f.MemberFactory(committee=committee, name="号码委员", phone="13912345678")
    assert "13912345678" in page(users["office"]).get("/org/members/").content.decode()
    leader_html = page(users["leader"]).get("/org/members/").content.decode()
    assert "13912345678" not in leader_html
    assert "139****5678" in leader_html


def test_roster_export_link_carries_the_filters(users, page):
    html = page(users["office"]).get("/org/members/?status=active&q=王&page=2").content.decode()
    assert "/api/v1/members/?status=active&amp;q=%E7%8E%8B&amp;format=xlsx" in html


def test_roster_query_count_does_not_grow_with_members(committee, users, page):
    client = page(users["office"])
    f.MemberFactory.create_batch(3, committee=committee, sector=f.SectorFactory(committee=committee))
    client.get("/org/members/")  # warm the security-settings cache
    with CaptureQueriesContext(connection) as few:
        client.get("/org/members/")
    group = f.MemberGroupFactory(committee=committee)
    f.MemberFactory.create_batch(60, committee=committee, group=group, term=f.TermFactory(committee=committee))
    with CaptureQueriesContext(connection) as many:
        assert client.get("/org/members/").status_code == 200
    assert len(many) == len(few)


def test_roster_query_count_is_pinned(committee, users, page, django_assert_num_queries):
    client = page(users["office"])
    f.MemberFactory.create_batch(70, committee=committee, sector=f.SectorFactory(committee=committee))
    client.get("/org/members/")
    # Session and user; 4 filter choice lists; count; the menu's committee; the page of members
    # (one query with its related rows); the top bar's unread COUNT. The session is not saved again
    # within a minute.
    with django_assert_num_queries(10):
        client.get("/org/members/?page=2")


# ---- member record ---------------------------------------------------------------------


def test_detail_shows_all_fields_with_personal_data_masked_for_non_office(committee, users, page):
    from datetime import date

    member = f.MemberFactory(committee=committee, name="详情委员", phone="13712345678", birth_date=date(1975, 3, 1))
    office = page(users["office"]).get(f"/org/members/{member.pk}/").content.decode()
    assert "13712345678" in office and "1975年3月1日" in office
    leader = page(users["leader"]).get(f"/org/members/{member.pk}/").content.decode()
    assert "13712345678" not in leader and "137****5678" in leader
    assert "1975年3月1日" not in leader and "1975年**月**日" in leader
    assert "修改历史" in office and "修改历史" not in leader


def test_detail_of_another_committees_member_is_404(other_committee, users, page):
    theirs = f.MemberFactory(committee=other_committee)
    assert page(users["office"]).get(f"/org/members/{theirs.pk}/").status_code == 404
    assert page(users["office"]).get(f"/org/members/{theirs.pk}/edit/").status_code == 404


def test_only_the_office_may_edit(committee, users, page):
    member = f.MemberFactory(committee=committee)
    assert page(users["leader"]).get(f"/org/members/{member.pk}/edit/").status_code == 403
    assert page(users["member"]).post("/org/members/new/", _member_form()).status_code == 403
    assert not Member.objects.filter(name="李四").exists()


def test_office_creates_a_member_and_the_audit_names_the_page_user(committee, users, page):
    office = users["office"]
    response = page(office).post("/org/members/new/", _member_form())
    member = Member.objects.get(name="李四")
    assert response.status_code == 302 and response["Location"] == f"/org/members/{member.pk}/"
    assert member.committee == committee
    entry = AuditEntry.objects.get(model="org.member", object_id=str(member.pk), action="create")
    assert entry.user == office and entry.username == office.username
    assert entry.via == "page"


def test_edit_page_related_choices_are_limited_to_the_committee(committee, other_committee, users, page):
    mine = f.SectorFactory(committee=committee, name="本县界别")
    f.SectorFactory(committee=other_committee, name="外县界别")
    html = page(users["office"]).get("/org/members/new/").content.decode()
    assert "本县界别" in html and "外县界别" not in html
    theirs = f.SectorFactory(committee=other_committee)
    response = page(users["office"]).post("/org/members/new/", _member_form(sector=theirs.pk))
    assert response.status_code == 200
    assert not Member.objects.filter(name="李四").exists()
    assert page(users["office"]).post("/org/members/new/", _member_form(sector=mine.pk)).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"birth_date": "2023-02-30"}, "出生日期不是有效的日期"),
        ({"name": "x" * (10 * 1024 * 1024)}, "姓名不能超过50字。"),
        ({"phone": "12345"}, "手机号码应为以1开头的11位数字"),
        ({"gender": "X"}, "性别的选项无效，请重新选择。"),
        ({"name": ""}, "请填写姓名。"),
        ({"birth_date": "2030-01-01"}, "出生日期不能晚于今天。"),
        ({"birth_date": "1899-12-31"}, "出生日期超出范围"),
    ],
)
def test_bad_input_shows_chinese_errors_and_saves_nothing(users, page, overrides, message):
    response = page(users["office"]).post("/org/members/new/", _member_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "未保存" in response.content.decode()
    assert not Member.objects.filter(ethnicity="回族").exists()


def test_a_body_over_the_upload_limit_gets_the_chinese_400_page(users, page):
    response = page(users["office"]).post("/org/members/new/", _member_form(name="名" * (10 * 1024 * 1024)))
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
    assert not Member.objects.filter(ethnicity="回族").exists()


def test_duplicate_member_is_refused_with_the_models_message(committee, users, page):
    from datetime import date

    f.MemberFactory(committee=committee, name="李四", birth_date=date(1980, 2, 28))
    response = page(users["office"]).post("/org/members/new/", _member_form())
    assert response.status_code == 200
    assert "该委员已存在" in response.content.decode()
    assert Member.objects.filter(name="李四").count() == 1


def test_a_formula_is_stored_and_shown_as_plain_text(committee, users, page):
    client = page(users["office"])
    client.post("/org/members/new/", _member_form(name="=1+2", workplace="<b>x</b>"))
    member = Member.objects.get(name="=1+2")
    assert member.workplace == "<b>x</b>"
    html = client.get(f"/org/members/{member.pk}/").content.decode()
    assert "=1+2" in html and "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_edit_updates_and_history_shows_the_change(committee, users, page):
    member = f.MemberFactory(committee=committee, name="旧名")
    client = page(users["office"])
    data = _member_form(name="新名", phone=member.phone)
    assert client.post(f"/org/members/{member.pk}/edit/", data).status_code == 302
    member.refresh_from_db()
    assert member.name == "新名"
    html = client.get(f"/org/members/{member.pk}/").content.decode()
    assert "旧名" in html and "恢复到此版本" in html


def test_restore_puts_back_an_earlier_version(committee, users, page):
    client = page(users["office"])
    client.post("/org/members/new/", _member_form(name="原来的名字"))
    member = Member.objects.get(name="原来的名字")
    first = member.history.earliest("history_date")
    client.post(f"/org/members/{member.pk}/edit/", _member_form(name="改过的名字"))
    response = client.post(f"/org/members/{member.pk}/restore/", {"history_id": first.history_id})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "原来的名字"
    entry = AuditEntry.objects.filter(object_id=str(member.pk), action="restore").get()
    assert entry.user == users["office"]


def test_restore_refuses_unknown_versions_and_other_roles(committee, other_committee, users, page):
    member = f.MemberFactory(committee=committee, name="不变")
    other = f.MemberFactory(committee=other_committee)
    assert page(users["leader"]).post(f"/org/members/{member.pk}/restore/", {"history_id": 1}).status_code == 403
    response = page(users["office"]).post(f"/org/members/{member.pk}/restore/", {"history_id": "999999"}, follow=True)
    assert "没有这个历史版本" in response.content.decode()
    hid = other.history.first().history_id
    assert page(users["office"]).post(f"/org/members/{other.pk}/restore/", {"history_id": hid}).status_code == 404
