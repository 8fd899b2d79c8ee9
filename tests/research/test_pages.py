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
