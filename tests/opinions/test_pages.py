"""Pages: write, my reports, the queue, detail with actions, bulletins, grassroots, statistics."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from luzhi.opinions import services
from luzhi.opinions.models import Bulletin, GrassrootsRecord, OpinionAdoption, OpinionReport
from tests import factories as f


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_member_writes_on_the_page_and_over_long_text_is_refused(member_user):
    client = _client(member_user)
    assert client.get("/opinions/new/").status_code == 200
    bad = client.post("/opinions/new/", {"title": "长", "content": "字" * 1501})
    assert bad.status_code == 200 and "1500" in bad.content.decode()
    assert not OpinionReport.objects.exists()
    ok = client.post("/opinions/new/", {"title": "村道照明", "content": "村道夜间无灯。"})
    report = OpinionReport.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/opinions/{report.pk}/"
    assert report.author == member_user.member


def test_unit_may_not_write_or_read(users):
    client = _client(users["unit"])
    assert client.get("/opinions/new/").status_code == 403
    assert client.get("/opinions/grassroots/").status_code == 403


def test_my_reports_show_adoptions_and_instructions(member_user, offices, report):
    services.opinion_adopt(actor=offices["county"], report=report, issue="第3期")
    services.opinion_forward(actor=offices["county"], report=report)
    services.opinion_instruct(actor=offices["city"], report=report, level="city", leader="副市长 李某", text="阅办")
    html = _client(member_user).get("/opinions/mine/").content.decode()
    assert report.title in html and "第3期" in html and "副市长 李某" in html


def test_queue_holds_own_and_forwarded(offices, report, committee):
    assert report.title in _client(offices["county"]).get("/opinions/queue/").content.decode()
    assert report.title not in _client(offices["city"]).get("/opinions/queue/").content.decode()
    services.opinion_forward(actor=offices["county"], report=report)
    assert report.title in _client(offices["city"]).get("/opinions/queue/").content.decode()
    assert report.title not in _client(offices["county"]).get("/opinions/queue/").content.decode()


def test_members_may_not_open_the_queue(member_user):
    assert _client(member_user).get("/opinions/queue/").status_code == 403


def test_detail_actions_for_the_holder_only(offices, report, member_user):
    county = _client(offices["county"])
    assert "采用" in county.get(f"/opinions/{report.pk}/").content.decode()
    assert _client(offices["sibling"]).get(f"/opinions/{report.pk}/").status_code == 404
    assert _client(offices["city"]).post(f"/opinions/{report.pk}/adopt/", {"issue": "1"}).status_code == 404
    assert _client(member_user).post(f"/opinions/{report.pk}/adopt/", {"issue": "1"}).status_code == 403
    response = county.post(f"/opinions/{report.pk}/adopt/", {"issue": "第9期"})
    assert response.status_code == 302
    assert OpinionAdoption.objects.get().issue == "第9期"
    county.post(f"/opinions/{report.pk}/instruction/", {"leader": "县长", "text": "阅"})  # no level
    assert not report.instructions.exists()
    county.post(f"/opinions/{report.pk}/forward/")
    html = _client(member_user).get(f"/opinions/{report.pk}/").content.decode()
    assert "示例县政协采用" in html and "第9期" in html


def test_forward_without_parent_shows_a_message(offices, report):
    services.opinion_forward(actor=offices["county"], report=report)
    services.opinion_forward(actor=offices["city"], report=report)
    client = _client(offices["province"])
    response = client.post(f"/opinions/{report.pk}/forward/", follow=True)
    assert "没有上级政协" in response.content.decode()


def test_edit_page_keeps_the_original(offices, report):
    client = _client(offices["county"])
    response = client.post(f"/opinions/{report.pk}/edit/", {"title": report.title, "content": "编辑后的正文。"})
    assert response.status_code == 302
    html = client.get(f"/opinions/{report.pk}/").content.decode()
    assert "编辑后的正文" in html and "部分村组自来水水压不足" in html and "作者原稿" in html


def test_an_edit_from_an_older_version_is_refused(offices, report):
    client = _client(offices["county"])
    page = client.get(f"/opinions/{report.pk}/edit/").content.decode()
    assert f'name="version" value="{report.version}"' in page
    seen = report.version
    first = client.post(
        f"/opinions/{report.pk}/edit/", {"title": report.title, "content": "第一位编辑。", "version": seen}
    )
    assert first.status_code == 302
    second = client.post(
        f"/opinions/{report.pk}/edit/", {"title": report.title, "content": "第二位编辑。", "version": seen}
    )
    assert second.status_code == 200 and "已被他人修改" in second.content.decode()
    report.refresh_from_db()
    assert report.content == "第一位编辑。"


def test_bulletin_composer_and_downloads(offices, report, committee):
    services.opinion_adopt(actor=offices["county"], report=report, issue="第1期")
    client = _client(offices["county"])
    assert report.title in client.get("/opinions/bulletins/new/").content.decode()
    response = client.post(
        "/opinions/bulletins/new/",
        {
            "year": 2026,
            "number": 1,
            "date": "2026-11-25",
            "title": "社情民意",
            "report": [report.pk],
            f"order-{report.pk}": 1,
        },
    )
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    docx = client.get(f"/opinions/bulletins/{bulletin.pk}/docx/")
    assert docx.status_code == 200
    assert _client(offices["sibling"]).get(f"/opinions/bulletins/{bulletin.pk}/").status_code == 404


def test_bulletin_composer_is_office_only(member_user, users):
    assert _client(member_user).get("/opinions/bulletins/new/").status_code == 403
    assert _client(users["leader"]).get("/opinions/bulletins/new/").status_code == 403


def test_grassroots_pages(member_user, committee, offices):
    client = _client(member_user)
    response = client.post("/opinions/grassroots/new/", {"citizen": "赵大爷", "demand": "桥坏了。"})
    record = GrassrootsRecord.objects.get()
    assert response.status_code == 302
    old = services.grassroots_record_create(
        actor=None,
        committee=committee,
        member=member_user.member,
        citizen="钱大妈",
        demand="路灯坏了。",
        recorded_at=timezone.now() - datetime.timedelta(days=20),
    )
    html = client.get("/opinions/grassroots/?overdue=1").content.decode()
    assert "钱大妈" in html and "赵大爷" not in html and "list-group-item-danger" in html
    client.post(f"/opinions/grassroots/{record.pk}/", {"do": "respond", "text": "已联系乡政府。"})
    record.refresh_from_db()
    assert record.status == "responded"
    client.post(f"/opinions/grassroots/{old.pk}/", {"do": "to-opinion", "title": "关于路灯的建议"})
    assert OpinionReport.objects.get().source_record == old
    assert _client(offices["sibling"]).get(f"/opinions/grassroots/{old.pk}/").status_code == 404


def test_staff_records_for_a_member_at_a_station(users, committee):
    member = f.MemberFactory(committee=committee)
    station = f.StationFactory(committee=committee)
    client = _client(users["committee_staff"])
    client.post("/opinions/grassroots/new/", {"citizen": "孙某", "demand": "x"})
    assert not GrassrootsRecord.objects.exists()
    client.post(
        "/opinions/grassroots/new/", {"member": member.pk, "station": station.pk, "citizen": "孙某", "demand": "x"}
    )
    assert GrassrootsRecord.objects.get().station == station


@pytest.mark.parametrize("role,code", [("office", 200), ("leader", 200), ("member", 403), ("unit", 403)])
def test_statistics_page(users, report, role, code):
    assert _client(users[role]).get("/opinions/statistics/").status_code == code


def test_similar_partial(offices, report):
    html = (
        _client(offices["county"])
        .post("/opinions/similar/", {"content": "村组自来水水压不足 管网改造"})
        .content.decode()
    )
    assert report.title in html


def test_station_page_shows_records_and_activities_taken_there(member_user, committee, offices, users):
    from luzhi.activities.models import Activity

    station = f.StationFactory(committee=committee, name="城关委员工作站")
    services.grassroots_record_create(
        actor=None, committee=committee, member=member_user.member, station=station, citizen="周大爷", demand="修桥"
    )
    Activity.objects.create(
        committee=committee,
        kind="station_activity",
        title="委员接待日",
        start=datetime.date(2026, 5, 1),
        end=datetime.date(2026, 5, 1),
        station=station,
    )
    html = _client(offices["county"]).get(f"/org/station/{station.pk}/").content.decode()
    assert "周大爷" in html and "委员接待日" in html and member_user.member.name in html
    assert _client(offices["sibling"]).get(f"/org/station/{station.pk}/").status_code == 404
    assert _client(users["unit"]).get(f"/org/station/{station.pk}/").status_code == 403
