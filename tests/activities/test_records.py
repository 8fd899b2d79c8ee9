"""Meeting records: minutes, decisions → plan items, vote result sheets, seating charts, the 第一议题 rule."""

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from docx import Document as DocxDocument
from pypdf import PdfReader

from luzhi.activities.cadence import cadence_report
from luzhi.activities.models import (
    AgendaItem,
    Ballot,
    CadenceRule,
    Decision,
    Minutes,
    Seat,
    SeatingPlan,
    Vote,
    VoteTurnout,
)
from luzhi.core.models import AuditEntry
from luzhi.ledger.models import Plan, PlanItem
from tests import factories as f
from tests.activities import factories as af

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def meeting(committee, users):
    """A standing committee meeting held yesterday: the member user and three others invited; one on leave."""
    starts_at = timezone.now() - timedelta(days=1)
    activity = af.ActivityFactory(
        committee=committee,
        kind="standing_committee",
        title="第四季度常委会会议",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location="县会议中心",
    )
    others = [f.MemberFactory(committee=committee, name=name) for name in ("赵一", "钱二", "孙三")]
    statuses = ["present", "present", "leave", "absent"]
    for member, status in zip([users["member"].member, *others], statuses, strict=True):
        af.AttendanceFactory(activity=activity, committee=committee, member=member, status=status)
    AgendaItem.objects.create(committee=committee, activity=activity, order=1, title="学习讲话精神", first_topic=True)
    return activity


def published(api, users, meeting):
    office = api(users["office"])
    text = "会议听取了报告。\n会议要求抓好落实。"
    r = office.post("/api/v1/meeting-minutes/", {"activity": meeting.pk, "text": text})
    assert r.status_code == 201, r.json()
    minutes = r.json()
    d = office.post(
        "/api/v1/meeting-decisions/", {"activity": meeting.pk, "text": "开展营商环境调研", "responsible": "经济委"}
    )
    assert d.status_code == 201, d.json()
    assert office.post(f"/api/v1/meeting-minutes/{minutes['id']}/publish/").status_code == 200
    return minutes["id"], d.json()["id"]


def test_minutes_are_read_by_the_invited_office_and_leaders_only(api, users, meeting, make_user, committee):
    office = api(users["office"])
    r = office.post("/api/v1/meeting-minutes/", {"activity": meeting.pk, "text": "草稿"})
    draft = r.json()["id"]
    # A draft: only the office (and the meeting's staff) read it.
    assert api(users["member"]).get(f"/api/v1/meeting-minutes/{draft}/").status_code == 404
    assert api(users["leader"]).get(f"/api/v1/meeting-minutes/{draft}/").status_code == 404
    assert office.post(f"/api/v1/meeting-minutes/{draft}/publish/").status_code == 200
    assert office.post(f"/api/v1/meeting-minutes/{draft}/publish/").status_code == 409
    stranger = make_user("member", committee)
    for user, status in [
        (users["member"], 200),
        (users["leader"], 200),
        (users["office"], 200),
        (stranger, 404),
        (users["unit"], 403),
    ]:
        assert api(user).get(f"/api/v1/meeting-minutes/{draft}/").status_code == status, user.role
    assert api(stranger).get(f"/api/v1/meeting-minutes/{draft}/pdf/").status_code == 404
    assert office.post("/api/v1/meeting-minutes/", {"activity": meeting.pk, "text": "又一份"}).status_code == 400


def test_minutes_of_another_committee_are_404(api, users, meeting, other_committee, make_user):
    minutes, _ = published(api, users, meeting)
    outsider = make_user("office", other_committee)
    assert api(outsider).get(f"/api/v1/meeting-minutes/{minutes}/").status_code == 404
    assert api(outsider).get(f"/api/v1/meeting-minutes/{minutes}/docx/").status_code == 404
    assert api(outsider).patch(f"/api/v1/meeting-minutes/{minutes}/", {"text": "改"}).status_code == 404


def test_published_minutes_are_edited_by_the_office_only_and_audited(api, users, meeting, make_user, committee):
    staff = make_user("committee_staff", committee)
    meeting.special_committee = staff.special_committee
    meeting.save()
    minutes, _ = published(api, users, meeting)
    assert api(staff).patch(f"/api/v1/meeting-minutes/{minutes}/", {"text": "改了"}).status_code == 403
    r = api(users["office"]).patch(f"/api/v1/meeting-minutes/{minutes}/", {"text": "更正后的纪要"})
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert AuditEntry.objects.filter(model="activities.minutes", object_id=str(minutes), action="update").exists()
    assert Minutes.objects.get(pk=minutes).text == "更正后的纪要"


def test_minutes_docx_and_pdf_hold_the_meeting_attendance_text_decisions_and_votes(
    api, users, meeting, client, cjk_fonts
):
    vote = Vote.objects.create(
        committee=meeting.committee, activity=meeting, title="通过工作报告", status=Vote.Status.CLOSED
    )
    vote.electorate.set(meeting.participants.all())
    Ballot.objects.create(vote=vote, member=users["member"].member, choice="yes")
    minutes, _ = published(api, users, meeting)
    docx = api(users["member"]).get(f"/api/v1/meeting-minutes/{minutes}/docx/")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(docx.content)).paragraphs)
    assert "第四季度常委会会议纪要" in text and "实到2人，请假1人，缺席1人" in text and "请假：钱二" in text
    assert "会议要求抓好落实。" in text and "学习讲话精神（第一议题）" in text
    pdf = pdf_text(api(users["leader"]).get(f"/api/v1/meeting-minutes/{minutes}/pdf/").content)
    for expected in ("第四季度常委会会议纪要", "县会议中心", "开展营商环境调研", "通过工作报告", "赞成1票"):
        assert expected in pdf.replace("\n", ""), expected
    client.force_login(users["member"])
    assert client.get(f"/activities/minutes/{minutes}.pdf").status_code == 200
    assert client.get(f"/activities/minutes/{minutes}.exe").status_code == 404


def test_a_decision_becomes_one_plan_item_linked_both_ways(api, users, meeting, committee, client):
    _, decision = published(api, users, meeting)
    url = f"/api/v1/meeting-decisions/{decision}/plan-item/"
    lead = f.MemberFactory(committee=committee, position="vice_chair")
    special = f.SpecialCommitteeFactory(committee=committee)
    body = {"lead": lead.pk, "responsible": special.pk}
    no_plan = api(users["office"]).post(url, body)
    assert no_plan.status_code == 409 and "年度工作计划" in no_plan.json()["detail"]
    assert not PlanItem.objects.exists()
    Plan.objects.create(committee=committee, year=meeting.start.year, title="年度工作要点")
    assert api(users["leader"]).post(url, body).status_code == 403
    r = api(users["office"]).post(url, body)
    assert r.status_code == 201, r.json()
    item = PlanItem.objects.get(pk=r.json()["plan_item"])
    assert item.title == "开展营商环境调研" and item.links == [{"type": "activity", "id": meeting.pk}]
    assert item.deadline == date(meeting.start.year, 12, 31)
    again = api(users["office"]).post(url, body)
    assert again.status_code == 409 and PlanItem.objects.count() == 1
    assert api(users["office"]).delete(f"/api/v1/meeting-decisions/{decision}/").status_code == 409
    client.force_login(users["office"])
    page = client.get(f"/activities/{meeting.pk}/").content.decode()
    assert f"/ledger/items/{item.pk}/" in page and "已转为督办事项" in page
    back = client.get(f"/ledger/items/{item.pk}/").content.decode()
    assert f"/activities/{meeting.pk}/" in back and "议定事项" in back


def test_decisions_are_hidden_until_the_minutes_are_published(api, users, meeting):
    office = api(users["office"])
    d = office.post("/api/v1/meeting-decisions/", {"activity": meeting.pk, "text": "事项"}).json()
    assert api(users["member"]).get(f"/api/v1/meeting-decisions/{d['id']}/").status_code == 404
    minutes = office.post("/api/v1/meeting-minutes/", {"activity": meeting.pk, "text": "正文"}).json()
    office.post(f"/api/v1/meeting-minutes/{minutes['id']}/publish/")
    assert api(users["member"]).get(f"/api/v1/meeting-decisions/{d['id']}/").status_code == 200


def closed_vote(meeting, users, method):
    vote = Vote.objects.create(
        committee=meeting.committee,
        activity=meeting,
        title="补选常务委员" if method == "secret" else "通过决议",
        method=method,
        status=Vote.Status.OPEN,
    )
    vote.electorate.set(meeting.participants.all())
    voter = users["member"].member
    VoteTurnout.objects.create(vote=vote, member=voter)
    Ballot.objects.create(vote=vote, member=voter if method == "named" else None, choice="no")
    return vote


def test_result_sheet_of_a_named_vote_lists_choices_and_is_409_while_open(api, users, meeting, make_user, cjk_fonts):
    vote = closed_vote(meeting, users, "named")
    url = f"/api/v1/votes/{vote.pk}/sheet/"
    r = api(users["office"]).get(url)
    assert r.status_code == 409 and "结束后" in r.json()["detail"]
    vote.status, vote.closed_at = Vote.Status.CLOSED, timezone.now()
    vote.save()
    text = pdf_text(api(users["member"]).get(url).content)
    assert "表决结果" in text and "通过决议" in text and "附件：记名表决情况" in text
    assert users["member"].member.name in text and "反对" in text and "未投票" in text
    assert api(make_user("member", meeting.committee)).get(url).status_code == 404
    assert api(users["leader"]).get(url).status_code == 200


def test_result_sheet_of_a_secret_vote_names_nobody(api, users, meeting, client, cjk_fonts):
    vote = closed_vote(meeting, users, "secret")
    vote.status, vote.closed_at = Vote.Status.CLOSED, timezone.now()
    vote.save()
    text = pdf_text(api(users["office"]).get(f"/api/v1/votes/{vote.pk}/sheet/").content)
    assert "补选常务委员" in text and "无记名投票" in text
    for member in meeting.participants.all():
        assert member.name not in text
    client.force_login(users["office"])
    assert client.get(f"/activities/votes/{vote.pk}/sheet.pdf").status_code == 200


@pytest.fixture
def plenary(committee, users):
    """A plenary with two leaders and members of three sectors."""
    activity = af.ActivityFactory(committee=committee, kind="plenary", title="全体委员会议", location="大礼堂")
    sectors = [f.SectorFactory(committee=committee) for _ in range(3)]
    people = [f.MemberFactory(committee=committee, position="chair"), users["leader"].member]
    people += [f.MemberFactory(committee=committee, sector=sectors[n % 3]) for n in range(10)]
    for member in people:
        af.AttendanceFactory(activity=activity, committee=committee, member=member)
    return activity, sectors


def test_seating_puts_leaders_in_front_and_each_sector_together(api, users, plenary, client, cjk_fonts):
    activity, sectors = plenary
    office = api(users["office"])
    base = f"/api/v1/activities/{activity.pk}/seating/"
    assert office.put(base, {"hall": "大礼堂", "rows": 0, "seats_per_row": 4}).status_code == 400
    assert office.put(base, {"hall": "大礼堂", "rows": 3, "seats_per_row": -1}).status_code == 400
    assert not SeatingPlan.objects.exists()
    assert office.put(base, {"hall": "大礼堂", "rows": 3, "seats_per_row": 4, "aisle_after": 2}).status_code == 200
    full = office.post(base + "generate/", {"by": "sector"})
    assert full.status_code == 409 and "座位不足" in full.json()["detail"]  # 2 leaders + 10 → 1 + 3 rows
    assert not Seat.objects.exists()
    office.put(base, {"rows": 5})
    r = office.post(base + "generate/", {"by": "sector"})
    assert r.status_code == 200, r.json()
    seats = r.json()["seats"]
    leaders = {users["leader"].member_id, activity.participants.get(position="chair").pk}
    assert {s["member"] for s in seats if s["row"] == 1} == leaders
    order = [s["member"] for s in sorted(seats, key=lambda s: (s["row"], s["seat"])) if s["row"] > 1]
    sector_of = dict(activity.participants.values_list("id", "sector_id"))
    runs = [sector_of[m] for m in order]
    assert runs == sorted(runs)  # each sector in one contiguous block, in the sectors' order
    first, second = seats[2], seats[5]
    swapped = office.post(
        base + "swap/", {"a": [first["row"], first["seat"]], "b": [second["row"], second["seat"]]}, format="json"
    )
    assert swapped.status_code == 200
    at = {(s["row"], s["seat"]): s["member"] for s in swapped.json()["seats"]}
    assert at[(first["row"], first["seat"])] == second["member"]
    assert at[(second["row"], second["seat"])] == first["member"]
    bad = office.post(base + "swap/", {"a": [9, 1], "b": [1, 1]}, format="json")
    assert bad.status_code == 400
    # A member sees only their own seat; the page says where.
    mine = api(users["leader"]).get(base).json()["seats"]
    assert len(mine) == len(seats)
    pdf = pdf_text(office.get(base + "pdf/").content)
    assert "座次表" in pdf and "主" in pdf and sectors[0].name in pdf
    client.force_login(users["leader"])
    seat = Seat.objects.get(member=users["leader"].member)
    assert f"您的座位：{seat.row}排{seat.number}座" in client.get(f"/activities/{activity.pk}/").content.decode()


def test_a_member_sees_only_their_seat(api, users, committee):
    activity = af.ActivityFactory(committee=committee, kind="plenary")
    others = [f.MemberFactory(committee=committee) for _ in range(3)]
    for member in [users["member"].member, *others]:
        af.AttendanceFactory(activity=activity, committee=committee, member=member)
    office = api(users["office"])
    office.put(f"/api/v1/activities/{activity.pk}/seating/", {"hall": "小礼堂", "rows": 2, "seats_per_row": 3})
    office.post(f"/api/v1/activities/{activity.pk}/seating/generate/", {"by": "group"})
    seats = api(users["member"]).get(f"/api/v1/activities/{activity.pk}/seating/").json()["seats"]
    assert [s["member"] for s in seats] == [users["member"].member_id]
    assert api(users["member"]).get(f"/api/v1/activities/{activity.pk}/seating/pdf/").status_code == 403


def test_seating_pages_say_what_went_wrong(users, plenary, client):
    activity, _ = plenary
    client.force_login(users["office"])
    r = client.post(f"/activities/{activity.pk}/seating/", {"hall": "礼堂", "rows": "0", "seats_per_row": "3"})
    assert r.status_code == 302 and not SeatingPlan.objects.exists()
    client.post(f"/activities/{activity.pk}/seating/", {"hall": "礼堂", "rows": "2", "seats_per_row": "3"})
    page = client.post(f"/activities/{activity.pk}/seating/generate/", {"by": "sector"}, follow=True)
    assert "座位不足" in page.content.decode()


def test_the_first_topic_rule_flags_a_meeting_that_did_not_open_with_it(committee):
    rule = CadenceRule.objects.create(
        committee=committee,
        name="党组会议以第一议题开篇",
        kinds=["party_group"],
        first_topic=True,
        minimum=1,
        period="month",
    )
    good = af.ActivityFactory(committee=committee, kind="party_group", start=date(2025, 3, 5), title="三月党组会")
    AgendaItem.objects.create(committee=committee, activity=good, order=1, title="第一议题", first_topic=True)
    bad = af.ActivityFactory(committee=committee, kind="party_group", start=date(2025, 4, 5), title="四月党组会")
    AgendaItem.objects.create(committee=committee, activity=bad, order=1, title="研究工作")
    report = cadence_report(committee=committee, year=2025, today=date(2025, 12, 31))
    row = next(r for r in report["rules"] if r["rule"] == rule.pk)["rows"][0]
    march, april = row["periods"][2], row["periods"][3]
    assert march["status"] == "met" and march["lacking"] == []
    assert april["status"] == "missed" and [m["id"] for m in april["lacking"]] == [bad.pk]
    assert april["value"] == 1  # the meeting was held: it failed for lacking 第一议题, not for not meeting


def test_cadence_page_lists_the_meetings_lacking_first_topic(users, committee, client):
    CadenceRule.objects.create(
        committee=committee, name="逢会必学", kinds=["party_group"], first_topic=True, minimum=1, period="month"
    )
    year = timezone.localdate().year
    bad = af.ActivityFactory(committee=committee, kind="party_group", start=date(year, 1, 5), title="一月党组会")
    client.force_login(users["office"])
    page = client.get(f"/activities/cadence/?year={year}").content.decode()
    assert "未以第一议题开篇的会议" in page and f"/activities/{bad.pk}/" in page


def test_a_reading_rule_cannot_require_first_topic(api, users):
    body = {
        "name": "错",
        "source": "reading",
        "kinds": ["article"],
        "scope": "each_member",
        "minimum": 1,
        "period": "week",
        "first_topic": True,
    }
    r = api(users["office"]).post("/api/v1/cadence-rules/", body, format="json")
    assert r.status_code == 400 and "first_topic" in r.json()


def test_meeting_record_forms_name_the_field_in_plain_chinese_and_save_nothing(
    users, meeting, plenary, client, committee
):
    """The decision, plan-item and hall forms: each wrong field named in plain Chinese, nothing saved."""
    activity, _ = plenary
    client.force_login(users["office"])

    def said(url, data):
        return client.post(url, data, follow=True).content.decode()

    text = said(f"/activities/{activity.pk}/seating/", {"hall": "礼堂", "rows": "-1", "seats_per_row": "x"})
    assert "排数至少为1" in text and "每排座位数应为整数" in text and "确保该值" not in text
    assert not SeatingPlan.objects.exists()

    text = said(f"/activities/{meeting.pk}/decisions/", {"text": "议" * 1001, "due": "明天"})
    assert "议定事项：" in text and "完成时限：请填写日期" in text and "确保该变量" not in text
    assert not Decision.objects.exists()
    said(f"/activities/{meeting.pk}/decisions/", {"text": "修订委员履职档案", "due": "2026-03-01"})
    decision = Decision.objects.get()
    assert decision.due == date(2026, 3, 1)

    other_member = f.MemberFactory()  # of another committee: a forged choice
    text = said(f"/activities/decisions/{decision.pk}/plan-item/", {"lead": other_member.pk, "kind": "other"})
    assert "请从本政协中选择牵头领导" in text and "请选择责任专委会" in text
    decision.refresh_from_db()
    assert decision.plan_item_id is None
