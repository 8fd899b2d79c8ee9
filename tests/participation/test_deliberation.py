"""Online deliberation (网络议政): audience rules, closing, hiding with an audit trail, themes, summary, conversion."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document as DocxDocument

from luzhi.core.models import AuditEntry
from luzhi.core.roles import Role
from luzhi.opinions.models import OpinionReport
from luzhi.org.models import Member
from luzhi.participation.models import Post, Theme, Topic
from luzhi.proposals.models import Proposal
from tests import factories as f
from tests.participation.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sector_topic(committee, users, make_user):
    """A topic for one sector: `member` is in it, `outsider` is not."""
    sector = f.SectorFactory(committee=committee)
    users["member"].member.sector = sector
    users["member"].member.save()
    topic = TopicFactory(committee=committee, audience="sector", sector=sector)
    return {"topic": topic, "sector": sector, "outsider": make_user(Role.MEMBER, committee)}


def _post(client, topic, text="建议在乡镇建设日间照料中心。", **extra):
    return client.post("/api/v1/deliberation-posts/", {"topic": topic.pk, "text": text, **extra}, format="json")


def test_office_opens_a_topic_and_its_audience_is_told(committee, users, api, django_capture_on_commit_callbacks):
    group = f.MemberGroupFactory(committee=committee)
    users["member"].member.group = group
    users["member"].member.save()
    closes = (timezone.localdate() + timedelta(days=7)).isoformat()
    body = {
        "title": "如何推进县域养老",
        "background": "背景",
        "audience": "group",
        "group": group.pk,
        "closes_on": closes,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api(users["office"]).post("/api/v1/deliberation-topics/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["is_open"] is True
    assert users["member"].notifications.filter(key=f"topic:{response.data['id']}").exists()
    assert not users["leader"].notifications.exists()
    past = {**body, "closes_on": (timezone.localdate() - timedelta(days=1)).isoformat()}
    assert api(users["office"]).post("/api/v1/deliberation-topics/", past, format="json").status_code == 400
    assert api(users["member"]).post("/api/v1/deliberation-topics/", body, format="json").status_code == 403
    assert Topic.objects.count() == 1


def test_only_the_audience_sees_and_posts(users, api, sector_topic):
    topic, outsider = sector_topic["topic"], sector_topic["outsider"]
    assert api(users["member"]).get(f"/api/v1/deliberation-topics/{topic.pk}/").status_code == 200
    assert _post(api(users["member"]), topic).status_code == 201
    # Outside the audience: the topic does not exist for them, and posting is refused.
    assert api(outsider).get(f"/api/v1/deliberation-topics/{topic.pk}/").status_code == 404
    assert api(outsider).get("/api/v1/deliberation-topics/").data["count"] == 0
    assert api(outsider).get(f"/api/v1/deliberation-posts/?topic={topic.pk}").data["count"] == 0
    assert _post(api(outsider), topic).status_code == 403
    # The office reads but does not post; a unit sees nothing.
    assert _post(api(users["office"]), topic).status_code == 403
    assert api(users["unit"]).get(f"/api/v1/deliberation-topics/{topic.pk}/").status_code in (403, 404)
    assert Post.objects.count() == 1


def test_a_resigned_member_of_the_audience_may_not_post(committee, users, api, sector_topic):
    member = users["member"].member
    member.status = Member.Status.RESIGNED
    member.save()
    assert _post(api(users["member"]), sector_topic["topic"]).status_code == 403


def test_closed_topics_refuse_posts_with_409(users, api, sector_topic):
    topic = sector_topic["topic"]
    post = PostFactory(topic=topic, author=users["member"].member)
    topic.closes_on = timezone.localdate() - timedelta(days=1)
    topic.save()
    response = _post(api(users["member"]), topic)
    assert response.status_code == 409 and "截止" in response.data["detail"]
    assert _post(api(users["member"]), topic, parent=post.pk).status_code == 409
    assert Post.objects.count() == 1


def test_closing_early_is_the_office_s_step(users, api, sector_topic):
    topic = sector_topic["topic"]
    assert api(users["member"]).post(f"/api/v1/deliberation-topics/{topic.pk}/close/").status_code == 403
    response = api(users["office"]).post(f"/api/v1/deliberation-topics/{topic.pk}/close/")
    assert response.status_code == 200 and response.data["is_open"] is False
    assert api(users["office"]).post(f"/api/v1/deliberation-topics/{topic.pk}/close/").status_code == 409
    assert _post(api(users["member"]), topic).status_code == 409


def test_members_reply_to_each_other_within_the_topic(committee, users, api, sector_topic, make_user):
    topic = sector_topic["topic"]
    other = make_user(
        Role.MEMBER, committee, member=f.MemberFactory(committee=committee, sector=sector_topic["sector"])
    )
    first = _post(api(users["member"]), topic).data
    reply = _post(api(other), topic, text="赞同，并建议引入社会资本。", parent=first["id"])
    assert reply.status_code == 201 and reply.data["parent"] == first["id"]
    elsewhere = TopicFactory(committee=committee)
    foreign = PostFactory(topic=elsewhere, author=other.member)
    assert _post(api(users["member"]), topic, parent=foreign.pk).status_code == 400


def test_a_hidden_post_disappears_for_members_and_stays_in_the_audit_trail(users, api, sector_topic):
    topic = sector_topic["topic"]
    post_id = _post(api(users["member"]), topic, text="某某局长收受好处（未经核实）").data["id"]
    office = api(users["office"])
    assert office.post(f"/api/v1/deliberation-posts/{post_id}/hide/", {}, format="json").status_code == 400
    assert api(users["member"]).post(f"/api/v1/deliberation-posts/{post_id}/hide/", {"reason": "x"}).status_code == 403
    response = office.post(f"/api/v1/deliberation-posts/{post_id}/hide/", {"reason": "涉及未经核实的个人信息"})
    assert response.status_code == 200 and response.data["hidden"] is True
    assert office.post(f"/api/v1/deliberation-posts/{post_id}/hide/", {"reason": "again"}).status_code == 409
    assert api(users["member"]).get(f"/api/v1/deliberation-posts/{post_id}/").status_code == 404
    assert office.get(f"/api/v1/deliberation-posts/{post_id}/").data["text"] == "某某局长收受好处（未经核实）"
    trail = api(users["auditor"]).get(f"/api/v1/audit/?model=participation.post&object_id={post_id}")
    assert trail.status_code == 200, trail.data
    rows = trail.data["results"] if isinstance(trail.data, dict) else trail.data
    actions = {r["action"]: r for r in rows}
    assert actions["create"]["changes"]["text"][1] == "某某局长收受好处（未经核实）"
    assert actions["update"]["changes"]["hidden_reason"] == ["", "涉及未经核实的个人信息"]
    assert actions["update"]["user"] == users["office"].username
    assert Post.objects.get(pk=post_id).text == "某某局长收受好处（未经核实）"
    assert AuditEntry.objects.filter(model="participation.post", object_id=str(post_id)).count() == 2


def test_themes_summary_docx_after_closing_only(committee, users, api, sector_topic):
    topic = sector_topic["topic"]
    office = api(users["office"])
    a = _post(api(users["member"]), topic, text="建设社区食堂").data["id"]
    b = _post(api(users["member"]), topic, text="培训护理员").data["id"]
    theme = office.post("/api/v1/deliberation-themes/", {"topic": topic.pk, "name": "养老服务设施"}, format="json")
    assert theme.status_code == 201, theme.data
    assert (
        office.post(f"/api/v1/deliberation-posts/{a}/theme/", {"theme": theme.data["id"]}, format="json").status_code
        == 200
    )
    other_topic_theme = Theme.objects.create(committee=committee, topic=TopicFactory(committee=committee), name="别的")
    bad = office.post(f"/api/v1/deliberation-posts/{b}/theme/", {"theme": other_topic_theme.pk}, format="json")
    assert bad.status_code == 400
    assert office.get(f"/api/v1/deliberation-topics/{topic.pk}/summary/").status_code == 409
    office.post(f"/api/v1/deliberation-topics/{topic.pk}/close/")
    response = office.get(f"/api/v1/deliberation-topics/{topic.pk}/summary/")
    assert response.status_code == 200
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    assert "养老服务设施" in text and "建设社区食堂" in text and "其他建议" in text and "培训护理员" in text
    assert users["member"].member.name in text
    assert text.index("养老服务设施") < text.index("建设社区食堂") < text.index("其他建议") < text.index("培训护理员")
    assert api(users["member"]).get(f"/api/v1/deliberation-topics/{topic.pk}/summary/").status_code == 403


def test_a_suggestion_becomes_a_proposal_draft_or_an_opinion_of_its_author(users, api, sector_topic):
    topic = sector_topic["topic"]
    post_id = _post(api(users["member"]), topic, text="建议设立养老服务专项资金。").data["id"]
    office = api(users["office"])
    response = office.post(
        f"/api/v1/deliberation-posts/{post_id}/to-proposal/", {"title": "关于设立养老专项资金的提案"}
    )
    assert response.status_code == 201, response.data
    proposal = Proposal.objects.get(pk=response.data["proposal"])
    assert proposal.lead == users["member"].member and proposal.status == "draft"
    assert proposal.suggestions == "建议设立养老服务专项资金。"
    assert office.post(f"/api/v1/deliberation-posts/{post_id}/to-proposal/", {}).status_code == 409
    response = office.post(f"/api/v1/deliberation-posts/{post_id}/to-opinion/", {})
    assert response.status_code == 201, response.data
    assert OpinionReport.objects.get(pk=response.data["opinion"]).author == users["member"].member
    assert api(users["member"]).post(f"/api/v1/deliberation-posts/{post_id}/to-opinion/", {}).status_code == 403
    assert Proposal.objects.count() == 1 and OpinionReport.objects.count() == 1


def test_post_list_query_count_does_not_grow(committee, users, api, sector_topic, django_assert_num_queries):
    topic = sector_topic["topic"]
    PostFactory(topic=topic, author=users["member"].member)
    client = api(users["member"])
    with django_assert_num_queries(2):
        client.get(f"/api/v1/deliberation-posts/?topic={topic.pk}")
    for _ in range(5):
        PostFactory(topic=topic, author=f.MemberFactory(committee=committee))
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/deliberation-posts/?topic={topic.pk}")
    assert response.data["count"] == 6
    with django_assert_num_queries(2):
        api(users["office"]).get("/api/v1/deliberation-topics/")
