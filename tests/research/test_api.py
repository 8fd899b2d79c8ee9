"""Research topics through the API: the eight steps in order, each with its artefact."""

from datetime import date

import pytest

from luzhi.activities.models import Activity
from luzhi.research.models import ResearchOutcome, ResearchTopic
from tests import factories as f
from tests.research.factories import ActivityFactory, ResearchTopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(committee, users):
    return ResearchTopicFactory(
        committee=committee, lead=users["leader"].member, special_committee=users["committee_staff"].special_committee
    )


@pytest.fixture
def artefacts(committee):
    """A valid artefact for every step, with the activities they name."""
    member = f.MemberFactory(committee=committee)
    briefing = ActivityFactory(committee=committee, kind=Activity.Kind.BRIEFING, title="部门情况介绍会")
    visit = ActivityFactory(committee=committee, kind=Activity.Kind.RESEARCH_VISIT, start=date(2026, 5, 10))
    stay = ActivityFactory(
        committee=committee, kind=Activity.Kind.IMMERSIVE_RESEARCH, start=date(2026, 6, 1), end=date(2026, 6, 3)
    )
    discussion = ActivityFactory(committee=committee, kind=Activity.Kind.OTHER, title="课题讨论会")
    return {
        1: {"plan": "围绕养老服务体系建设开展调研"},
        2: {"plan_document": "调研方案：分三组走访8个乡镇"},
        3: {"group": {"members": [member.pk], "others": [{"name": "张教授", "organisation": "市职业技术学院"}]}},
        4: {"briefing": briefing.pk},
        5: {"visits": [visit.pk, stay.pk]},
        6: {"discussion": discussion.pk},
        7: {
            "report": "关于全县养老服务体系建设的调研报告",
            "outcomes": [{"problem": "护理员短缺", "suggestion": "加强培训", "solution": "与职校合办护理专业"}],
        },
        8: {"evaluation": "建议均已得到回应，成效良好"},
    }


def _advance(client, topic, step, body):
    return client.post(f"/api/v1/research-topics/{topic.pk}/advance/", {"step": step, **body}, format="json")


def test_the_lead_leader_moves_a_topic_through_all_eight_steps(users, api, topic, artefacts):
    client = api(users["leader"])
    for step in range(1, 8):
        response = _advance(client, topic, step, artefacts[step])
        assert response.status_code == 200, (step, response.data)
        assert response.data["step"] == step + 1
    data = response.data
    assert [s["step"] for s in data["steps"]] == list(range(1, 8))
    assert all(s["completed_at"] for s in data["steps"])
    assert data["steps"][4]["artefact"]["days"] == 2 + 3
    assert len(data["group"]["members"]) == 1 and data["group"]["others"][0]["name"] == "张教授"
    outcome = data["outcomes"][0]
    assert (outcome["problem"], outcome["adoption"]) == ("护理员短缺", "pending")

    response = _advance(client, topic, 8, artefacts[8])
    assert response.status_code == 400 and "未反馈" in response.data["evaluation"][0]
    topic.refresh_from_db()
    assert topic.step == 8

    response = client.patch(
        f"/api/v1/research-outcomes/{outcome['id']}/",
        {"adoption": "adopted", "instruction": "县长批示：抓紧落实", "implemented": True},
        format="json",
    )
    assert response.status_code == 200, response.data
    response = _advance(client, topic, 8, artefacts[8])
    assert response.status_code == 200 and response.data["step"] == 9
    assert _advance(client, topic, 8, artefacts[8]).status_code == 409


@pytest.mark.parametrize("step", [2, 3, 8, 0, 9, -1])
def test_any_step_but_the_current_one_is_409(users, api, topic, artefacts, step):
    response = _advance(api(users["office"]), topic, step, artefacts.get(step, {}))
    assert response.status_code in (409, 400) and (response.status_code == 409 or step <= 0)
    topic.refresh_from_db()
    assert topic.step == 1 and topic.steps == []


def test_a_step_already_done_is_409(users, api, topic, artefacts):
    client = api(users["office"])
    assert _advance(client, topic, 1, artefacts[1]).status_code == 200
    response = _advance(client, topic, 1, artefacts[1])
    assert response.status_code == 409 and "第2步" in response.data["detail"]


def _at_step(topic, step):
    topic.step = step
    topic.steps = [{"step": s, "completed_at": "2026-04-01", "artefact": {}} for s in range(1, step)]
    topic.save()
    return topic


@pytest.mark.parametrize(
    ("step", "body", "field"),
    [
        (1, {}, "plan"),
        (1, {"plan": "  "}, "plan"),
        (1, {"plan": ["a"]}, "plan"),
        (2, {"plan_document": ""}, "plan_document"),
        (3, {}, "group"),
        (3, {"group": {"members": []}}, "group"),
        (3, {"group": {"members": ["x"]}}, "group"),
        (3, {"group": {"members": [999999]}}, "group"),
        (3, {"group": "张三"}, "group"),
        (4, {"briefing": "明天"}, "briefing"),
        (4, {"briefing": 999999}, "briefing"),
        (5, {"visits": []}, "visits"),
        (5, {"visits": 5}, "visits"),
        (6, {}, "discussion"),
        (7, {"report": "报告"}, "outcomes"),
        (7, {"report": "报告", "outcomes": [{"problem": "问题", "suggestion": "建议"}]}, "outcomes"),
        (7, {"outcomes": [{"problem": "问题", "suggestion": "建议", "solution": "方案"}]}, "report"),
        (8, {}, "evaluation"),
    ],
)
def test_a_missing_or_bad_artefact_is_400_and_nothing_saved(users, api, topic, step, body, field):
    _at_step(topic, step)
    response = _advance(api(users["office"]), topic, step, body)
    assert response.status_code == 400 and field in response.data, response.data
    topic.refresh_from_db()
    assert topic.step == step and len(topic.steps) == step - 1
    assert not ResearchOutcome.objects.exists() and not topic.group_members.exists()


def test_a_group_with_a_member_of_another_committee_is_400(users, api, topic, other_committee, committee):
    _at_step(topic, 3)
    ours = f.MemberFactory(committee=committee)
    theirs = f.MemberFactory(committee=other_committee)
    response = _advance(api(users["office"]), topic, 3, {"group": {"members": [ours.pk, theirs.pk]}})
    assert response.status_code == 400 and "本政协" in response.data["group"][0]
    assert not topic.group_members.exists()


def test_a_visit_that_is_not_a_research_activity_is_400(users, api, topic, committee, other_committee):
    _at_step(topic, 5)
    visit = ActivityFactory(committee=committee, kind=Activity.Kind.RESEARCH_VISIT)
    meeting = ActivityFactory(committee=committee, kind=Activity.Kind.CHAIR_MEETING, title="主席会议")
    theirs = ActivityFactory(committee=other_committee, kind=Activity.Kind.RESEARCH_VISIT)
    client = api(users["office"])
    response = _advance(client, topic, 5, {"visits": [visit.pk, meeting.pk]})
    assert response.status_code == 400 and "主席会议" in response.data["visits"][0]
    response = _advance(client, topic, 5, {"visits": [visit.pk, theirs.pk]})
    assert response.status_code == 400
    topic.refresh_from_db()
    assert topic.step == 5


def test_outcomes_are_all_saved_or_none(users, api, topic):
    _at_step(topic, 7)
    body = {
        "report": "报告",
        "outcomes": [
            {"problem": "一", "suggestion": "二", "solution": "三"},
            {"problem": "缺方案", "suggestion": "二"},
        ],
    }
    assert _advance(api(users["office"]), topic, 7, body).status_code == 400
    assert not ResearchOutcome.objects.exists()


def test_only_the_lead_its_staff_and_the_office_advance(committee, users, api, topic, artefacts, make_user):
    other_leader = make_user("leader", committee)
    other_staff = make_user("committee_staff", committee)
    for user in (other_leader, other_staff, users["member"]):
        assert _advance(api(user), topic, 1, artefacts[1]).status_code == 403
    assert _advance(api(users["unit"]), topic, 1, artefacts[1]).status_code == 403
    topic.refresh_from_db()
    assert topic.step == 1
    assert api(other_leader).get(f"/api/v1/research-topics/{topic.pk}/").status_code == 200
    assert _advance(api(users["committee_staff"]), topic, 1, artefacts[1]).status_code == 200


def test_another_committees_topic_and_outcome_are_404(users, api, other_committee):
    theirs = ResearchTopicFactory(committee=other_committee)
    outcome = ResearchOutcome.objects.create(
        committee=other_committee, topic=theirs, problem="p", suggestion="s", solution="x"
    )
    client = api(users["office"])
    assert client.get(f"/api/v1/research-topics/{theirs.pk}/").status_code == 404
    assert _advance(client, theirs, 1, {"plan": "x"}).status_code == 404
    assert client.patch(f"/api/v1/research-outcomes/{outcome.pk}/", {"adoption": "adopted"}).status_code == 404


def test_outcome_updates_are_checked(users, api, topic, committee, make_user):
    outcome = ResearchOutcome.objects.create(
        committee=committee, topic=topic, problem="p", suggestion="s", solution="x"
    )
    url = f"/api/v1/research-outcomes/{outcome.pk}/"
    assert api(users["office"]).patch(url, {"adoption": "maybe"}).status_code == 400
    assert api(users["office"]).patch(url, {"implemented": True}, format="json").status_code == 400  # still pending
    assert api(make_user("leader", committee)).patch(url, {"adoption": "adopted"}).status_code == 403
    assert api(users["member"]).patch(url, {"adoption": "adopted"}).status_code == 403
    assert api(users["office"]).patch(url, {"problem": "改写"}).status_code == 200
    outcome.refresh_from_db()
    assert (outcome.adoption, outcome.problem, outcome.implemented) == ("pending", "p", False)


def test_office_creates_a_topic_others_may_not(committee, users, api):
    special = f.SpecialCommitteeFactory(committee=committee)
    body = {
        "year": 2026,
        "title": "文旅融合发展调研",
        "lead": users["leader"].member_id,
        "special_committee": special.pk,
    }
    assert api(users["leader"]).post("/api/v1/research-topics/", body).status_code == 403
    response = api(users["office"]).post("/api/v1/research-topics/", body)
    assert response.status_code == 201 and response.data["step"] == 1
    response = api(users["office"]).post("/api/v1/research-topics/", {**body, "lead": users["member"].member_id})
    assert response.status_code == 400 and "lead" in response.data
    assert ResearchTopic.objects.count() == 1


@pytest.mark.parametrize("n", [2, 20])
def test_topic_list_query_count_does_not_grow(committee, users, api, n, django_assert_num_queries):
    for topic in ResearchTopicFactory.create_batch(n, committee=committee):
        topic.group_members.add(f.MemberFactory(committee=committee))
        ResearchOutcome.objects.create(committee=committee, topic=topic, problem="p", suggestion="s", solution="x")
    client = api(users["member"])
    with django_assert_num_queries(4):  # count, page, group members, outcomes
        assert client.get("/api/v1/research-topics/?year=2026").data["count"] == n


def test_topic_list_exports_xlsx(users, api, topic):
    from tests.api.conftest import read_xlsx

    response = api(users["office"]).get("/api/v1/research-topics/?format=xlsx")
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert rows[1][rows[0].index("课题")] == topic.title and rows[1][rows[0].index("当前步骤")] == 1
