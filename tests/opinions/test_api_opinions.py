"""/api/v1/opinions/: writing, the chain's visibility, the holder's actions and bad input."""

import pytest

from luzhi.core.roles import Role
from luzhi.opinions.models import OpinionAdoption, OpinionEvent, OpinionInstruction, OpinionReport
from tests import factories as f

URL = "/api/v1/opinions/"


def _detail(pk, step=""):
    return f"{URL}{pk}/{step + '/' if step else ''}"


# ---- writing ------------------------------------------------------------------------------


def test_member_writes_a_report_as_themselves(api, member_user, committee):
    other = f.MemberFactory(committee=committee)
    response = api(member_user).post(URL, {"title": "路灯", "content": "村道无灯。", "author": other.pk}, format="json")
    assert response.status_code == 201, response.data
    report = OpinionReport.objects.get()
    assert report.author == member_user.member
    assert response.data["origin_committee"] == committee.pk
    assert response.data["holder"] == committee.pk
    assert response.data["status"] == "submitted"


def test_content_over_1500_characters_is_400_and_says_so(api, member_user):
    response = api(member_user).post(URL, {"title": "长文", "content": "字" * 1501}, format="json")
    assert response.status_code == 400
    assert "1500" in response.data["content"][0]
    assert not OpinionReport.objects.exists()


def test_exactly_1500_characters_is_accepted(api, member_user):
    response = api(member_user).post(URL, {"title": "满额", "content": "字" * 1500}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize("content", ["", "   "])
def test_empty_content_is_400(api, member_user, content):
    response = api(member_user).post(URL, {"title": "空", "content": content}, format="json")
    assert response.status_code == 400
    assert "content" in response.data
    assert not OpinionReport.objects.exists()


def test_office_writes_for_a_member_of_its_committee_only(api, offices, committee, other_committee):
    own = f.MemberFactory(committee=committee)
    stranger = f.MemberFactory(committee=other_committee)
    ok = api(offices["county"]).post(URL, {"title": "a", "content": "b", "author": own.pk}, format="json")
    assert ok.status_code == 201 and ok.data["author"] == own.pk
    bad = api(offices["county"]).post(URL, {"title": "a", "content": "b", "author": stranger.pk}, format="json")
    assert bad.status_code == 400
    assert OpinionReport.objects.count() == 1


def test_a_unit_may_not_read_or_write(api, users, report):
    assert api(users["unit"]).get(URL).status_code == 403
    assert api(users["unit"]).post(URL, {"title": "a", "content": "b"}, format="json").status_code == 403


def test_anonymous_is_401(api):
    assert api(None).get(URL).status_code == 401


# ---- visibility along the chain -----------------------------------------------------------


def _ids(client):
    return {r["id"] for r in client.get(URL).data["results"]}


def test_parent_sees_only_what_was_forwarded_and_sibling_never(api, offices, report, committee, make_user):
    unforwarded = OpinionReport.objects.create(
        committee=committee, holder=committee, title="留在县里", content="x", author=report.author
    )
    assert _ids(api(offices["county"])) == {report.pk, unforwarded.pk}
    assert _ids(api(offices["city"])) == set()
    assert api(offices["city"]).get(_detail(report.pk)).status_code == 404
    assert api(offices["city"]).get(_detail(report.pk, "trail")).status_code == 404

    assert api(offices["county"]).post(_detail(report.pk, "forward")).status_code == 200

    assert _ids(api(offices["city"])) == {report.pk}
    assert _ids(api(offices["province"])) == set()
    assert _ids(api(offices["sibling"])) == set()
    assert api(offices["sibling"]).get(_detail(report.pk)).status_code == 404
    # The origin keeps the whole trail after the report has left.
    assert _ids(api(offices["county"])) == {report.pk, unforwarded.pk}


def test_origin_and_author_see_the_whole_trail_up_to_the_province(api, offices, report, member_user):
    county, city, province = (api(offices[k]) for k in ("county", "city", "province"))
    assert county.post(_detail(report.pk, "adopt"), {"issue": "2026年第3期"}, format="json").status_code == 200
    assert county.post(_detail(report.pk, "forward")).status_code == 200
    assert city.post(_detail(report.pk, "adopt"), {"issue": "第7期"}, format="json").status_code == 200
    body = {"level": "city", "leader": "市长 王某", "text": "请市水务局研究办理。"}
    assert city.post(_detail(report.pk, "instruction"), body, format="json").status_code == 200
    assert city.post(_detail(report.pk, "forward")).status_code == 200
    assert province.post(_detail(report.pk, "adopt"), {"issue": "第2期"}, format="json").status_code == 200

    for viewer in (offices["county"], member_user, offices["province"]):
        data = api(viewer).get(_detail(report.pk)).data
        assert [(a["level"], a["issue"]) for a in data["adoptions"]] == [
            ("county", "2026年第3期"),
            ("city", "第7期"),
            ("province", "第2期"),
        ]
        assert [(i["level"], i["leader"]) for i in data["instructions"]] == [("city", "市长 王某")]
    trail = api(member_user).get(_detail(report.pk, "trail")).data
    assert [e["kind"] for e in trail] == [
        "submitted",
        "adopted",
        "forwarded",
        "adopted",
        "instructed",
        "forwarded",
        "adopted",
    ]
    assert api(offices["sibling"]).get(_detail(report.pk)).status_code == 404


def test_a_member_sees_only_their_own_reports(api, report, committee, make_user):
    other = make_user(Role.MEMBER, committee)
    assert _ids(api(other)) == set()
    assert api(other).get(_detail(report.pk)).status_code == 404


def test_a_leader_sees_the_committees_reports(api, users, report):
    assert _ids(api(users["leader"])) == {report.pk}


# ---- the holder's actions -----------------------------------------------------------------


def test_adoption_is_credited_at_the_adopting_committees_level(api, offices, report):
    api(offices["county"]).post(_detail(report.pk, "forward"))
    response = api(offices["city"]).post(_detail(report.pk, "adopt"), {"issue": "第1期"}, format="json")
    assert response.status_code == 200
    adoption = OpinionAdoption.objects.get()
    assert adoption.level == "city" and adoption.committee == offices["city"].committee
    assert response.data["status"] == "adopted"


def test_adopting_twice_is_409(api, offices, report):
    client = api(offices["county"])
    assert client.post(_detail(report.pk, "adopt"), {}, format="json").status_code == 200
    assert client.post(_detail(report.pk, "adopt"), {}, format="json").status_code == 409
    assert OpinionAdoption.objects.count() == 1


def test_forward_from_a_committee_without_parent_is_409(api, offices, report):
    api(offices["county"]).post(_detail(report.pk, "forward"))
    api(offices["city"]).post(_detail(report.pk, "forward"))
    response = api(offices["province"]).post(_detail(report.pk, "forward"))
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.holder == offices["province"].committee


def test_actions_by_a_committee_that_does_not_hold_it_are_404(api, offices, report):
    city = api(offices["city"])
    for step, body in [("adopt", {}), ("forward", {}), ("reject", {"reason": "x"})]:
        assert city.post(_detail(report.pk, step), body, format="json").status_code == 404
        assert api(offices["sibling"]).post(_detail(report.pk, step), body, format="json").status_code == 404
    api(offices["county"]).post(_detail(report.pk, "forward"))
    # Once forwarded, the county still sees it but no longer acts on it.
    county = api(offices["county"])
    assert county.get(_detail(report.pk)).status_code == 200
    assert county.post(_detail(report.pk, "adopt"), {}, format="json").status_code == 404
    assert county.patch(_detail(report.pk), {"content": "改"}, format="json").status_code == 404
    assert not OpinionAdoption.objects.exists()


def test_members_and_leaders_may_not_handle(api, users, member_user, report):
    for user in (member_user, users["leader"], users["committee_staff"]):
        assert api(user).post(_detail(report.pk, "adopt"), {}, format="json").status_code == 403


def test_instruction_without_level_is_400_and_nothing_saved(api, offices, report):
    client = api(offices["county"])
    response = client.post(_detail(report.pk, "instruction"), {"leader": "县长", "text": "阅。"}, format="json")
    assert response.status_code == 400 and "level" in response.data
    bad = client.post(
        _detail(report.pk, "instruction"), {"level": "galaxy", "leader": "县长", "text": "阅"}, format="json"
    )
    assert bad.status_code == 400
    assert not OpinionInstruction.objects.exists()
    assert not OpinionEvent.objects.filter(kind=OpinionEvent.Kind.INSTRUCTED).exists()


def test_forward_of_a_rejected_report_is_409(api, offices, report):
    client = api(offices["county"])
    assert client.post(_detail(report.pk, "reject"), {"reason": "与已报信息重复"}, format="json").status_code == 200
    response = client.post(_detail(report.pk, "forward"))
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.status == "rejected" and report.holder == offices["county"].committee
    assert report.reject_reason == "与已报信息重复"


def test_reject_needs_a_reason(api, offices, report):
    response = api(offices["county"]).post(_detail(report.pk, "reject"), {"reason": ""}, format="json")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.parametrize("body", [[], "x", {"issue": "期" * 51}])
def test_bad_bodies_are_400(api, offices, report, body):
    response = api(offices["county"]).post(_detail(report.pk, "adopt"), body, format="json")
    assert response.status_code == 400
    assert not OpinionAdoption.objects.exists()


def test_send_to_government_is_recorded_on_the_trail(api, offices, report):
    client = api(offices["county"])
    assert client.post(_detail(report.pk, "send"), {"recipient": "县政府"}, format="json").status_code == 409
    client.post(_detail(report.pk, "adopt"), {}, format="json")
    assert client.post(_detail(report.pk, "send"), {"recipient": "县政府办公室"}, format="json").status_code == 200
    assert report.events.filter(kind="sent", note__contains="县政府办公室").exists()


# ---- editing keeps the original -----------------------------------------------------------


def test_office_edit_keeps_the_original(api, offices, report):
    original = report.content
    client = api(offices["county"])
    first = client.patch(_detail(report.pk), {"content": "经编辑的正文。"}, format="json")
    assert first.status_code == 200, first.data
    assert first.data["content"] == "经编辑的正文。"
    assert first.data["original_content"] == original
    second = client.patch(_detail(report.pk), {"content": "再次编辑。", "title": "新标题"}, format="json")
    assert second.data["original_content"] == original
    assert second.data["original_title"] == "关于农村饮水安全的建议"
    assert second.data["title"] == "新标题"
    # Every version also stays in the history.
    assert report.history.count() == 3


def test_edit_over_1500_is_400_and_keeps_the_text(api, offices, report):
    response = api(offices["county"]).patch(_detail(report.pk), {"content": "长" * 1501}, format="json")
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.edited_at is None and report.original_content == ""


def test_a_member_may_not_edit(api, member_user, report):
    assert api(member_user).patch(_detail(report.pk), {"content": "改"}, format="json").status_code == 403


def test_reports_are_not_deleted(api, offices, report):
    assert api(offices["county"]).delete(_detail(report.pk)).status_code == 405


# ---- lists --------------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_rows(api, offices, report, committee, django_assert_num_queries):
    from luzhi.opinions import services

    client = api(offices["county"])
    client.post(_detail(report.pk, "adopt"), {"issue": "1"}, format="json")
    with django_assert_num_queries(4):
        client.get(URL)
    for i in range(5):
        r = services.opinion_submit(
            actor=offices["county"], committee=committee, title=f"t{i}", content="c", author=report.author
        )
        services.opinion_adopt(actor=offices["county"], report=r, issue=str(i))
        services.opinion_instruct(actor=offices["county"], report=r, level="county", leader="县长", text="阅")
    with django_assert_num_queries(4):
        assert client.get(URL).data["count"] == 6


def test_xlsx_export(api, offices, report):
    response = api(offices["county"]).get(URL + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_stats(api, offices, report, member_user):
    api(offices["county"]).post(_detail(report.pk, "adopt"), {}, format="json")
    data = api(offices["county"]).get(URL + "stats/").data
    assert data["by_status"]["adopted"] == 1
    assert data["adoptions_by_level"]["county"] == 1
    assert data["by_author"][0]["member"] == member_user.member_id
    assert api(member_user).get(URL + "stats/").status_code == 403
    assert api(offices["county"]).get(URL + "stats/?year=abc").status_code == 400


def test_an_adoption_or_instruction_dated_outside_1900_to_2999_is_400(api, offices, report):
    county = api(offices["county"])
    response = county.post(_detail(report.pk, "adopt"), {"issue": "第1期", "date": "0001-01-01"}, format="json")
    assert response.status_code == 400 and "date" in response.json()
    body = {"level": "county", "leader": "县长 王某", "text": "请研究。", "date": "9999-12-31"}
    response = county.post(_detail(report.pk, "instruction"), body, format="json")
    assert response.status_code == 400 and "date" in response.json()
    assert not OpinionAdoption.objects.exists() and not OpinionInstruction.objects.exists()
