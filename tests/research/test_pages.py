"""Research pages: the year's topics, a topic's timeline with its advance form, new topics, outcomes."""

import pytest

from luzhi.activities.models import Activity
from luzhi.research.models import ResearchOutcome, ResearchTopic
from tests import factories as f
from tests.research.factories import ActivityFactory, ResearchTopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(committee, users):
    return ResearchTopicFactory(
        committee=committee,
        title="养老服务调研",
        lead=users["leader"].member,
        special_committee=users["committee_staff"].special_committee,
    )


def test_year_page_lists_topics_and_their_step(committee, users, page, topic):
    ResearchTopicFactory(committee=committee, title="往年课题", year=2025)
    html = page(users["member"]).get("/research/?year=2026").content.decode()
    assert "养老服务调研" in html and "第1步" in html and "往年课题" not in html
    assert page(users["unit"]).get("/research/").status_code == 403


def test_the_lead_completes_a_step_on_the_timeline_page(users, page, topic):
    client = page(users["leader"])
    html = client.get(f"/research/{topic.pk}/").content.decode()
    assert 'data-step="1" data-state="current"' in html and "完成第1步" in html
    assert client.post(f"/research/{topic.pk}/", {"plan": "列入年度调研计划"}).status_code == 302
    topic.refresh_from_db()
    assert topic.step == 2
    html = client.get(f"/research/{topic.pk}/").content.decode()
    assert 'data-step="1" data-state="done"' in html and "列入年度调研计划" in html


def test_a_missing_artefact_shows_the_error_and_keeps_the_step(users, page, topic):
    html = page(users["leader"]).post(f"/research/{topic.pk}/", {"plan": ""}).content.decode()
    assert "请填写选题计划" in html
    topic.refresh_from_db()
    assert topic.step == 1


def test_a_visit_of_another_kind_is_refused_on_the_page(committee, users, page, topic):
    topic.step = 5
    topic.save()
    meeting = ActivityFactory(
        committee=committee, kind=Activity.Kind.CHAIR_MEETING, title="主席会议", start=topic_date()
    )
    html = page(users["office"]).post(f"/research/{topic.pk}/", {"visits": [meeting.pk]}).content.decode()
    assert "只能是调研或沉浸式调研" in html
    topic.refresh_from_db()
    assert topic.step == 5


def topic_date():
    from datetime import date

    return date(2026, 5, 1)


def test_other_leaders_see_no_form_and_may_not_post(committee, users, page, topic, make_user):
    client = page(make_user("leader", committee))
    html = client.get(f"/research/{topic.pk}/").content.decode()
    assert "养老服务调研" in html and "完成第1步" not in html
    assert client.post(f"/research/{topic.pk}/", {"plan": "x"}).status_code == 403
    topic.refresh_from_db()
    assert topic.step == 1


def test_office_creates_a_topic_members_may_not(committee, users, page):
    special = f.SpecialCommitteeFactory(committee=committee)
    body = {"year": "2026", "title": "文旅融合调研", "lead": users["leader"].member_id, "special_committee": special.pk}
    assert page(users["member"]).post("/research/new/", body).status_code == 403
    assert page(users["office"]).post("/research/new/", body).status_code == 302
    assert ResearchTopic.objects.get().title == "文旅融合调研"


def test_outcome_is_updated_from_the_page(committee, users, page, topic, other_committee):
    outcome = ResearchOutcome.objects.create(
        committee=committee, topic=topic, problem="p", suggestion="s", solution="x"
    )
    client = page(users["leader"])
    response = client.post(
        f"/research/outcomes/{outcome.pk}/", {"adoption": "adopted", "instruction": "同意", "implemented": "on"}
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert (outcome.adoption, outcome.instruction, outcome.implemented) == ("adopted", "同意", True)
    assert page(users["member"]).post(f"/research/outcomes/{outcome.pk}/", {"adoption": "pending"}).status_code == 403
    theirs = ResearchTopicFactory(committee=other_committee)
    assert page(users["office"]).get(f"/research/{theirs.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("王芳县住建局（）", "姓名应为2至10个汉字"),
        ("王芳，县住建局（）", "单位名称不完整"),
        ("王芳", "请填写单位"),
        ("王芳，（）", "单位名称不完整"),
        ("123，县住建局", "姓名应为2至10个汉字"),
        ("王芳，——", "单位名称不完整"),
    ],
)
def test_a_garbled_guest_line_is_refused_with_a_message(users, page, topic, line, problem):
    topic.step = 3
    topic.save()
    body = {"members": [users["member"].member_id], "others": f"李雪梅，市职业技术学院\n{line}"}
    html = page(users["office"]).post(f"/research/{topic.pk}/", body).content.decode()
    assert "第2位特邀人员" in html and problem in html
    topic.refresh_from_db()
    assert topic.step == 3 and topic.group_others == []


def test_guests_as_name_comma_unit_or_name_bracket_unit_are_kept(users, page, topic):
    topic.step = 3
    topic.save()
    body = {
        "members": [users["member"].member_id],
        "others": "王芳，县住建局\n李雪梅（市职业技术学院）\n阿依努尔·买买提, 县卫健局",
    }
    assert page(users["office"]).post(f"/research/{topic.pk}/", body).status_code == 302
    topic.refresh_from_db()
    assert [(o["name"], o["organisation"]) for o in topic.group_others] == [
        ("王芳", "县住建局"),
        ("李雪梅", "市职业技术学院"),
        ("阿依努尔·买买提", "县卫健局"),
    ]


def test_step_4_offers_only_fitting_activities_of_the_year_newest_first(committee, users, page, topic):
    from datetime import date

    topic.step = 4
    topic.save()
    early = ActivityFactory(
        committee=committee,
        kind=Activity.Kind.BRIEFING,
        title="早的情况介绍会",
        start=date(2026, 3, 2),
        end=date(2026, 3, 2),
        days=1,
    )
    late = ActivityFactory(
        committee=committee,
        kind=Activity.Kind.BRIEFING,
        title="晚的情况介绍会",
        start=date(2026, 6, 2),
        end=date(2026, 6, 2),
        days=1,
    )
    ActivityFactory(
        committee=committee,
        kind=Activity.Kind.PLENARY,
        title="全体会议",
        start=date(2026, 1, 10),
        end=date(2026, 1, 10),
        days=1,
    )
    ActivityFactory(
        committee=committee,
        kind=Activity.Kind.STUDY,
        title="理论学习",
        start=date(2026, 4, 10),
        end=date(2026, 4, 10),
        days=1,
    )
    ActivityFactory(
        committee=committee,
        kind=Activity.Kind.BRIEFING,
        title="去年的介绍会",
        start=date(2025, 6, 2),
        end=date(2025, 6, 2),
        days=1,
    )
    html = page(users["office"]).get(f"/research/{topic.pk}/").content.decode()
    assert "全体会议" not in html and "理论学习" not in html and "去年的介绍会" not in html
    assert html.index(f'value="{late.pk}"') < html.index(f'value="{early.pk}"')


def test_a_plenary_as_the_briefing_is_refused(committee, users, page, topic):
    topic.step = 4
    topic.save()
    plenary = ActivityFactory(committee=committee, kind=Activity.Kind.PLENARY, title="全体会议")
    html = page(users["office"]).post(f"/research/{topic.pk}/", {"briefing": plenary.pk}).content.decode()
    assert "情况介绍会只能是" in html
    topic.refresh_from_db()
    assert topic.step == 4
