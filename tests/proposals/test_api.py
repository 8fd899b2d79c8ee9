"""The proposals API of API.md: each step allowed for its role, denied for others, 409 from a wrong status."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document as Docx
from openpyxl import load_workbook

from luzhi.core.uploads import MAX_FILE_BYTES as MAX_REPLY_FILE_BYTES
from luzhi.core.workdays import add_workdays
from luzhi.org.models import Member
from luzhi.proposals.models import Cosignature, Proposal, Reply
from tests import factories as f
from tests.proposals.factories import ProposalFactory

URL = "/api/v1/proposals/"
DRAFT = {
    "title": "关于加强农村公路养护的建议",
    "category": "urban",
    "reason": "农村公路坑洼多。",
    "suggestions": "设立养护岗位。",
}


def act(api: Any, user: Any, proposal: Proposal, step: str, body: dict | None = None, **kw: Any) -> Any:
    return api(user).post(f"{URL}{proposal.pk}/{step}/", body or {}, format=kw.pop("format", "json"), **kw)


def pdf_file(size: int = 2000) -> SimpleUploadedFile:
    return SimpleUploadedFile("答复.pdf", b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


def docx_file() -> SimpleUploadedFile:
    out = io.BytesIO()
    doc = Docx()
    doc.add_paragraph("答复")
    doc.save(out)
    return SimpleUploadedFile("答复.docx", out.getvalue())


# --- drafts -------------------------------------------------------------------------------


def test_member_writes_a_draft_with_cosigners(api: Any, people: Any) -> None:
    r = api(people.lead).post(URL, {**DRAFT, "cosigners": [people.cosigner.member.pk]}, format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "draft" and body["lead"] == people.lead.member.pk
    assert body["submitter_type"] == "joint"
    assert body["cosigners"] == [people.cosigner.member.pk] and body["confirmed_cosigners"] == []
    assert body["year"] == timezone.localdate().year and body["number"] is None


@pytest.mark.parametrize("role", ["office", "unit", "staff"])
def test_others_cannot_write_drafts(api: Any, people: Any, role: str) -> None:
    assert api(getattr(people, role)).post(URL, DRAFT, format="json").status_code == 403
    assert not Proposal.objects.exists()


def test_bad_draft_is_400_and_nothing_saved(api: Any, people: Any, other_committee: Any) -> None:
    assert api(people.lead).post(URL, {"title": ""}, format="json").status_code == 400
    stranger = f.MemberFactory(committee=other_committee)
    r = api(people.lead).post(URL, {**DRAFT, "cosigners": [stranger.pk]}, format="json")
    assert r.status_code == 400
    r = api(people.lead).post(URL, {**DRAFT, "submitter_type": "sector"}, format="json")
    assert r.status_code == 400 and "sector" in r.json()
    assert not Proposal.objects.exists()


def test_lead_edits_own_draft_and_unreviewed_proposal_only(api: Any, people: Any, case: Any) -> None:
    draft = case()
    assert api(people.lead).patch(f"{URL}{draft.pk}/", {"title": "新标题"}, format="json").status_code == 200
    assert api(people.other_member).patch(f"{URL}{draft.pk}/", {"title": "x"}, format="json").status_code == 404
    assert api(people.office).get(f"{URL}{draft.pk}/").status_code == 404  # drafts are the author's own
    submitted = case("submitted")  # not reviewed yet: the lead may still correct it, not delete it
    assert api(people.lead).patch(f"{URL}{submitted.pk}/", {"title": "改"}, format="json").status_code == 200
    assert api(people.lead).delete(f"{URL}{submitted.pk}/").status_code == 409
    accepted = case("accepted")
    assert api(people.lead).patch(f"{URL}{accepted.pk}/", {"title": "x"}, format="json").status_code == 409
    assert api(people.lead).delete(f"{URL}{draft.pk}/").status_code == 204


def test_category_is_required(api: Any, people: Any) -> None:
    r = api(people.lead).post(URL, {**DRAFT, "category": ""}, format="json")
    assert r.status_code == 400 and "category" in r.json() and not Proposal.objects.exists()


def test_lead_withdraws_before_review(api: Any, people: Any, case: Any) -> None:
    submitted = case("submitted")
    assert act(api, people.other_member, submitted, "withdraw").status_code in (403, 404)
    r = act(api, people.lead, submitted, "withdraw")
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert act(api, people.lead, case("accepted"), "withdraw").status_code == 409


def test_invited_cosigner_declines(api: Any, people: Any, case: Any) -> None:
    p = case("submitted", cosigners=[people.cosigner.member])
    assert act(api, people.other_member, p, "cosign-decline").status_code in (403, 404)
    r = act(api, people.cosigner, p, "cosign-decline")
    assert r.status_code == 200 and r.json()["declined_cosigners"] == [people.cosigner.member.pk]
    assert r.json()["confirmed_cosigners"] == []


def test_cosigner_sees_draft_but_cannot_edit_it(api: Any, people: Any, case: Any) -> None:
    draft = case(cosigners=[people.cosigner.member])
    assert api(people.cosigner).get(f"{URL}{draft.pk}/").status_code == 200
    assert api(people.cosigner).patch(f"{URL}{draft.pk}/", {"title": "x"}, format="json").status_code == 403


# --- submit, cosign, review ---------------------------------------------------------------


def test_submit_by_lead_only_and_once(api: Any, people: Any, case: Any) -> None:
    draft = case(cosigners=[people.cosigner.member])
    assert act(api, people.cosigner, draft, "submit").status_code == 403
    r = act(api, people.lead, draft, "submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert act(api, people.lead, draft, "submit").status_code == 409


def test_cosigner_confirms_from_own_account(api: Any, people: Any, case: Any) -> None:
    p = case("submitted", cosigners=[people.cosigner.member])
    assert act(api, people.other_member, p, "cosign").status_code in (403, 404)
    r = act(api, people.cosigner, p, "cosign")
    assert r.status_code == 200 and r.json()["confirmed_cosigners"] == [people.cosigner.member.pk]


def test_accept_numbers_one_by_one_per_year(api: Any, people: Any, case: Any) -> None:
    a, b = case("submitted"), case("submitted")
    assert act(api, people.lead, a, "review", {"decision": "accept"}).status_code == 403
    assert act(api, people.office, a, "review", {"decision": "accept"}).json()["number"] == 1
    assert act(api, people.office, b, "review", {"decision": "accept"}).json()["number"] == 2
    r = act(api, people.office, a, "review", {"decision": "accept"})
    assert r.status_code == 409 and "已立案" in r.json()["detail"]
    last_year = case("submitted", year=timezone.localdate().year - 1)
    assert act(api, people.office, last_year, "review", {"decision": "accept"}).json()["number"] == 1


def test_review_bad_input(api: Any, people: Any, case: Any) -> None:
    p = case("submitted")
    assert act(api, people.office, p, "review", {"decision": "maybe"}).status_code == 400
    assert act(api, people.office, p, "review", {"decision": "reject"}).status_code == 400  # reason needed
    assert act(api, people.office, p, "review", {"decision": "merge", "merge_into": "x"}).status_code == 400
    assert act(api, people.office, p, "review", {"decision": "merge", "merge_into": p.pk}).status_code == 400
    p.refresh_from_db()
    assert p.status == "submitted"


def test_reject_with_reason(api: Any, people: Any, case: Any) -> None:
    p = case("submitted")
    r = act(api, people.office, p, "review", {"decision": "reject", "reason": "属于个人诉求"})
    assert r.status_code == 200 and r.json()["status"] == "rejected" and r.json()["number"] is None


def test_merge_credits_authors_on_surviving_case(api: Any, people: Any, case: Any, committee: Any) -> None:
    survivor = case("accepted")
    other_lead = people.other_member
    merged = ProposalFactory(committee=committee, lead=other_lead.member, status="submitted")
    merged.cosignatures.create(member=people.cosigner.member, confirmed_at=timezone.now())
    r = act(api, people.office, merged, "review", {"decision": "merge", "merge_into": survivor.pk})
    assert r.status_code == 200 and r.json()["status"] == "merged" and r.json()["merged_into"] == survivor.pk
    credited = set(survivor.cosignatures.filter(source=Cosignature.Source.MERGE).values_list("member_id", flat=True))
    assert credited == {other_lead.member.pk, people.cosigner.member.pk}
    assert set(survivor.cosignatures.exclude(confirmed_at=None).values_list("member_id", flat=True)) == credited


def test_convert_to_opinion_creates_a_report(api: Any, people: Any, case: Any) -> None:
    opinions = pytest.importorskip("luzhi.opinions.models")
    p = case("submitted")
    r = act(api, people.office, p, "review", {"decision": "convert_opinion", "reason": "更适合社情民意"})
    assert r.status_code == 200 and r.json()["status"] == "converted_opinion"
    assert opinions.OpinionReport.objects.filter(source_proposal_id=p.pk).count() == 1


# --- assignment and the unit's portal -----------------------------------------------------


def test_assign_defaults_to_three_months(api: Any, people: Any, case: Any) -> None:
    p = case("accepted")
    body = {"lead_unit": people.unit.unit.pk, "co_units": [people.co_unit.unit.pk]}
    assert act(api, people.lead, p, "assign", body).status_code == 403
    r = act(api, people.office, p, "assign", body)
    assert r.status_code == 200
    data = r.json()
    today = timezone.localdate()
    assert data["status"] == "assigned" and data["assigned_at"] == today.isoformat()
    due = dt.date.fromisoformat(data["due_date"])
    assert 89 <= (due - today).days <= 92
    assert {(u["unit"], u["role"]) for u in data["units"]} == {
        (people.unit.unit.pk, "lead"),
        (people.co_unit.unit.pk, "co"),
    }
    assert act(api, people.office, p, "assign", body).status_code == 409  # already assigned, nobody asked


def test_assign_bad_unit_is_400(api: Any, people: Any, case: Any, other_committee: Any) -> None:
    p = case("accepted")
    foreign = f.UnitFactory(committee=other_committee)
    assert act(api, people.office, p, "assign", {"lead_unit": foreign.pk}).status_code == 400
    assert (
        act(api, people.office, p, "assign", {"lead_unit": people.unit.unit.pk, "due_date": "2020-01-01"}).status_code
        == 400
    )
    p.refresh_from_db()
    assert p.status == "accepted" and not p.units.exists()


def test_unit_sees_only_its_cases(api: Any, people: Any, case: Any) -> None:
    mine = case("assigned")
    case("accepted")
    assert [r["id"] for r in api(people.unit).get(URL).json()["results"]] == [mine.pk]
    assert [r["id"] for r in api(people.co_unit).get(URL).json()["results"]] == [mine.pk]
    assert api(people.other_unit).get(URL).json()["count"] == 0
    assert api(people.other_unit).get(f"{URL}{mine.pk}/").status_code == 404
    assert act(api, people.other_unit, mine, "reply", {"category": "A", "text": "x"}).status_code == 404


def test_adjust_request_within_five_workdays(api: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    assert act(api, people.co_unit, p, "adjust-request", {"reason": "职能不符"}).status_code == 403
    r = act(api, people.unit, p, "adjust-request", {"reason": "属于住建局职能"})
    assert r.status_code == 201
    # The office re-assigns after a request.
    new_unit = f.UnitFactory(committee=p.committee)
    r = act(api, people.office, p, "assign", {"lead_unit": new_unit.pk})
    assert r.status_code == 200 and r.json()["units"][0]["unit"] == new_unit.pk


def test_adjust_request_on_day_six_is_409_with_deadline(api: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    today = timezone.localdate()
    # Go back until today is the 6th working day after assignment.
    assigned = today
    while add_workdays(assigned, 5) >= today:
        assigned -= dt.timedelta(days=1)
    Proposal.objects.filter(pk=p.pk).update(assigned_at=assigned)
    r = act(api, people.unit, p, "adjust-request", {"reason": "职能不符"})
    assert r.status_code == 409
    deadline = add_workdays(assigned, 5)
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in r.json()["detail"]
    assert not p.adjust_requests.exists()


def test_reply_records_on_time_and_file(api: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    r = act(
        api,
        people.unit,
        p,
        "reply",
        {"category": "B", "text": "已列入明年计划。", "file": pdf_file()},
        format="multipart",
    )
    assert r.status_code == 200, r.json()
    data = r.json()
    assert data["status"] == "replied" and data["replied_on_time"] is True
    assert data["replies"][0]["category"] == "B" and data["replies"][0]["file"]
    assert act(api, people.unit, p, "reply", {"category": "A", "text": "再答"}).status_code == 409


def test_late_reply_is_recorded_late(api: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    Proposal.objects.filter(pk=p.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    r = act(api, people.unit, p, "reply", {"category": "C", "text": "留作参考。"})
    assert r.json()["replied_on_time"] is False


@pytest.mark.parametrize(
    "upload",
    [
        lambda: SimpleUploadedFile("答复.pdf", b"MZ\x90\x00 not a document", content_type="application/pdf"),
        lambda: SimpleUploadedFile("答复.docx", b"PK\x03\x04broken zip"),
        lambda: SimpleUploadedFile("答复.pdf", b"%PDF-1.7\n" + b"0" * (MAX_REPLY_FILE_BYTES + 1)),
        lambda: SimpleUploadedFile("答复.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64),
    ],
    ids=["exe", "bad-zip", "too-big", "image-not-a-document"],
)
def test_reply_with_bad_file_is_400_and_nothing_saved(
    api: Any, people: Any, case: Any, upload: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REPLY_FILE_BYTES * 2
    p = case("assigned")
    r = act(api, people.unit, p, "reply", {"category": "A", "text": "答复", "file": upload()}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    p.refresh_from_db()
    assert p.status == "assigned" and not Reply.objects.exists()


def test_reply_docx_accepted_and_bad_category_400(api: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    assert act(api, people.unit, p, "reply", {"category": "D", "text": "答复"}).status_code == 400
    assert act(api, people.unit, p, "reply", {"category": "A", "text": ""}).status_code == 400
    assert act(api, people.co_unit, p, "reply", {"category": "A", "text": "答复"}).status_code == 403
    r = act(api, people.unit, p, "reply", {"category": "A", "text": "答复", "file": docx_file()}, format="multipart")
    assert r.status_code == 200


def test_co_unit_sends_opinion(api: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    assert act(api, people.unit, p, "co-opinion", {"text": "同意"}).status_code == 403
    assert act(api, people.co_unit, p, "co-opinion", {"text": "我局将配合。"}).status_code == 200
    assert p.units.get(unit=people.co_unit.unit).opinion == "我局将配合。"


# --- rating and key proposals -------------------------------------------------------------


def test_only_the_lead_proposer_rates(api: Any, people: Any, case: Any) -> None:
    p = case("replied", cosigners=[people.cosigner.member])
    assert act(api, people.other_member, p, "evaluate", {"rating": "satisfied"}).status_code == 403
    assert act(api, people.cosigner, p, "evaluate", {"rating": "satisfied"}).status_code == 403
    assert act(api, people.office, p, "evaluate", {"rating": "satisfied"}).status_code == 403
    assert act(api, people.lead, p, "evaluate", {"rating": "great"}).status_code == 400
    r = act(api, people.lead, p, "evaluate", {"rating": "basically_satisfied", "comment": "基本解决"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert act(api, people.lead, p, "evaluate", {"rating": "satisfied"}).status_code == 409


def test_first_unsatisfied_sends_back_once(api: Any, people: Any, case: Any) -> None:
    p = case("replied")
    r = act(api, people.lead, p, "evaluate", {"rating": "unsatisfied", "comment": "没有解决"})
    assert r.json()["status"] == "assigned"
    r = act(api, people.unit, p, "reply", {"category": "A", "text": "已重新办理并解决。"})
    assert r.json()["status"] == "replied" and [x["round"] for x in r.json()["replies"]] == [1, 2]
    r = act(api, people.lead, p, "evaluate", {"rating": "unsatisfied"})
    assert r.json()["status"] == "closed" and r.json()["rating"] == "unsatisfied"


def test_mark_key_needs_a_leader_supervisor(api: Any, people: Any, case: Any, committee: Any) -> None:
    p = case("assigned")
    plain = f.MemberFactory(committee=committee, position=Member.Position.MEMBER)
    assert act(api, people.lead, p, "mark-key", {"supervisor": people.leader.member.pk}).status_code == 403
    assert act(api, people.office, p, "mark-key", {"supervisor": plain.pk}).status_code == 400
    r = act(api, people.leader, p, "mark-key", {"supervisor": people.leader.member.pk})
    assert r.status_code == 200 and r.json()["is_key"] is True and r.json()["supervisor"] == people.leader.member.pk
    assert (
        act(api, people.office, case("submitted"), "mark-key", {"supervisor": people.leader.member.pk}).status_code
        == 409
    )


# --- scope, lists, exports ----------------------------------------------------------------


def test_other_committee_sees_nothing(api: Any, people: Any, case: Any, other_committee: Any, make_user: Any) -> None:
    p = case("assigned")
    outsider = make_user("office", other_committee)
    assert api(outsider).get(f"{URL}{p.pk}/").status_code == 404
    assert act(api, outsider, p, "mark-key", {"supervisor": people.leader.member.pk}).status_code == 404
    assert api(outsider).get(URL).json()["count"] == 0


def test_member_sees_own_and_numbered(api: Any, people: Any, case: Any, committee: Any) -> None:
    numbered = case("accepted")
    others_submitted = ProposalFactory(committee=committee, lead=people.other_member.member, status="submitted")
    ids = {r["id"] for r in api(people.cosigner).get(URL).json()["results"]}
    assert numbered.pk in ids and others_submitted.pk not in ids


def test_list_query_count_is_fixed(api: Any, people: Any, case: Any, django_assert_num_queries: Any) -> None:
    case("closed", cosigners=[people.cosigner.member])
    client = api(people.office)
    client.get(URL)  # warm up sessions and content types
    with django_assert_num_queries(7):  # the attachments are one prefetch of their own
        assert client.get(URL).json()["count"] == 1
    for _ in range(4):
        case("closed", cosigners=[people.cosigner.member])
    with django_assert_num_queries(7):
        assert client.get(URL).json()["count"] == 5


def test_list_exports_xlsx(api: Any, people: Any, case: Any) -> None:
    case("assigned")
    r = api(people.office).get(URL, {"format": "xlsx"})
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[0][:3] == ("年度", "案号", "标题")
    assert rows[1][1] == 1 and "（主办）" in rows[1][7]


def test_filters_by_year_and_status(api: Any, people: Any, case: Any) -> None:
    case("accepted")
    case("submitted")
    assert api(people.office).get(URL, {"status": "accepted"}).json()["count"] == 1
    assert api(people.office).get(URL, {"year": 1999}).json()["count"] == 0
