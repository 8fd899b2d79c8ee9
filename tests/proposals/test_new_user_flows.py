"""Issue #17, what a new user runs into on the proposal pages: each test failed before its fix."""

from __future__ import annotations

import io
import re
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from luzhi.proposals.models import Evaluation, Proposal
from tests import factories as f


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def said(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---- 1. rating a reply -------------------------------------------------------------------------


def test_rating_form_has_no_preselected_choice_and_asks_to_confirm(people: Any, case: Any) -> None:
    p = case("replied")
    page = client(people.lead).get(f"/proposals/{p.pk}/").content.decode()
    form = page[page.index("评价答复") - 300 : page.index("提交评价")]
    assert 'name="rating"' in form and "checked" not in form
    assert "data-confirm=" in form


def test_rating_without_a_choice_is_refused_in_chinese_and_nothing_saved(people: Any, case: Any) -> None:
    p = case("replied")
    r = client(people.lead).post(f"/proposals/{p.pk}/evaluate/", {"comment": "很好"}, follow=True)
    p.refresh_from_db()
    assert p.status == "replied" and not Evaluation.objects.exists()
    assert any("请选择评价" in m for m in said(r))
    assert "很好" in r.content.decode()  # the comment typed is kept on the form


def test_rating_says_what_happened(people: Any, case: Any) -> None:
    p = case("replied")
    r = client(people.lead).post(f"/proposals/{p.pk}/evaluate/", {"rating": "satisfied"}, follow=True)
    assert "已评价：满意，提案办结。" in said(r)


# ---- 2. assigning units ------------------------------------------------------------------------


def test_assign_form_keeps_the_choices_after_an_error(people: Any, case: Any, committee: Any) -> None:
    p = case("accepted")
    extra = f.UnitFactory(committee=committee, name="县住建局")
    r = client(people.office).post(
        f"/proposals/{p.pk}/assign/",
        {"lead_unit": extra.pk, "co_units": [people.co_unit.unit.pk], "due_date": "2000-01-01"},
        follow=True,
    )
    p.refresh_from_db()
    assert p.status == "accepted"
    page = r.content.decode()
    assert any("办理期限" in m for m in said(r))
    assert re.search(rf'<option value="{extra.pk}" selected>', page)
    assert re.search(rf'name="co_units" value="{people.co_unit.unit.pk}"[^>]*checked', page)


def test_assign_units_sorted_by_pinyin_as_touchable_checkboxes(people: Any, case: Any, committee: Any) -> None:
    p = case("accepted")
    for name in ("县住建局", "县教育局", "县财政局"):  # code points: 住 < 教 < 财; pinyin: cai < jiao < zhu
        f.UnitFactory(committee=committee, name=name)
    page = client(people.office).get(f"/proposals/{p.pk}/").content.decode()
    co = page[page.index('id="co-units"') :]
    assert co.index("县财政局") < co.index("县教育局") < co.index("县住建局")
    assert 'type="checkbox" name="co_units"' in co and "data-lz-filter" in page
    lead = page[page.index('name="lead_unit"') : page.index("</select>", page.index('name="lead_unit"'))]
    assert '<option value="" selected>' in lead or '<option value="">' in lead  # no unit chosen for the clerk


def test_assign_says_which_units(people: Any, case: Any) -> None:
    p = case("accepted")
    r = client(people.office).post(
        f"/proposals/{p.pk}/assign/",
        {"lead_unit": people.unit.unit.pk, "co_units": [people.co_unit.unit.pk]},
        follow=True,
    )
    text = "；".join(said(r))
    assert f"已交办给{people.unit.unit.name}（主办）" in text and f"{people.co_unit.unit.name}（协办）" in text


# ---- 6. messages that say what happened --------------------------------------------------------


def test_accept_and_reply_say_what_happened(people: Any, case: Any) -> None:
    p = case("submitted")
    r = client(people.office).post(f"/proposals/{p.pk}/review/", {"decision": "accept"}, follow=True)
    assert "已立案，编号第1号。" in said(r)
    client(people.office).post(f"/proposals/{p.pk}/assign/", {"lead_unit": people.unit.unit.pk})
    r = client(people.unit).post(f"/proposals/{p.pk}/reply/", {"category": "B", "text": "列入计划。"}, follow=True)
    assert any(m.startswith("已答复（B类") for m in said(r))
    assert "操作成功。" not in said(r)


# ---- 7. reply files keep their names -----------------------------------------------------------


def test_reply_file_downloads_under_its_original_name(people: Any, case: Any) -> None:
    p = case("assigned")
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * 100)
    upload.name = "关于道路修缮的答复.pdf"
    client(people.unit).post(f"/proposals/{p.pk}/reply/", {"category": "A", "text": "已办结。", "file": upload})
    reply = Proposal.objects.get(pk=p.pk).replies.get()
    r = client(people.lead).get(f"/proposals/replies/{reply.pk}/file/")
    assert r.status_code == 200
    assert "filename*=utf-8''%E5%85%B3%E4%BA%8E" in r["Content-Disposition"]
    assert "%E7%AD%94%E5%A4%8D.pdf" in r["Content-Disposition"]


# ---- 3. back and submit again ------------------------------------------------------------------

PROPOSAL = {
    "title": "关于修缮乡村道路的建议",
    "category": "urban",
    "submitter_type": "member",
    "reason": "路坏了。",
    "suggestions": "修路。",
    "submit": "1",
}


def token_of(page: str) -> str:
    found = re.search(r'name="once" value="([0-9a-f]{32})"', page)
    assert found, "the create form carries a one-time token"
    return found.group(1)


def test_resubmitting_the_same_form_render_creates_one_proposal(people: Any) -> None:
    c = client(people.lead)
    token = token_of(c.get("/proposals/new/").content.decode())
    first = c.post("/proposals/new/", {**PROPOSAL, "once": token})
    again = c.post("/proposals/new/", {**PROPOSAL, "once": token}, follow=True)
    p = Proposal.objects.get()
    assert first["Location"] == f"/proposals/{p.pk}/"
    assert again.redirect_chain[-1][0] == f"/proposals/{p.pk}/"
    assert any("没有重复创建" in m for m in said(again))
    assert token_of(c.get("/proposals/new/").content.decode()) != token  # each render a new one


def test_same_title_within_a_day_asks_to_confirm(people: Any) -> None:
    c = client(people.lead)
    c.post("/proposals/new/", {**PROPOSAL, "once": token_of(c.get("/proposals/new/").content.decode())})
    token = token_of(c.get("/proposals/new/").content.decode())
    r = c.post("/proposals/new/", {**PROPOSAL, "once": token})
    assert r.status_code == 200 and "一天内已写过相同的提案" in r.content.decode()
    assert Proposal.objects.count() == 1
    r = c.post("/proposals/new/", {**PROPOSAL, "once": token, "confirm_duplicate": "on"})
    assert r.status_code == 302 and Proposal.objects.count() == 2


# ---- 5. the 相似提案 panel -----------------------------------------------------------------------


def test_similar_panel_updates_after_a_pause_by_post(people: Any, case: Any) -> None:
    case("accepted", title="关于发展农村互助养老的建议", reason="建设互助幸福院，低龄老人照顾高龄老人。")
    page = client(people.lead).get("/proposals/new/").content.decode()
    panel = page[page.index('id="similar"') : page.index(">", page.index('id="similar"'))]
    assert 'hx-post="/proposals/similar/"' in panel and "keyup changed delay:600ms" in panel
    assert client(people.lead).get("/proposals/similar/").status_code == 405
    long_reason = "建设互助幸福院，低龄老人照顾高龄老人。" * 30  # beyond a request line once URL-encoded
    r = client(people.lead).post("/proposals/similar/", {"title": "农村互助养老", "reason": long_reason})
    assert "农村互助养老" in r.content.decode() and "没有找到" not in r.content.decode()


# ---- 4. withdraw and edit before review; co-signers; attachments; category -----------------------


def test_lead_edits_a_submitted_proposal_before_review_and_the_office_sees_it(people: Any, case: Any) -> None:
    p = case("submitted")
    c = client(people.lead)
    assert "修改（审查前）" in c.get(f"/proposals/{p.pk}/").content.decode()
    form = c.get(f"/proposals/{p.pk}/edit/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    r = c.post(
        f"/proposals/{p.pk}/edit/",
        {**PROPOSAL, "title": "关于修缮乡村道路的建议（修改稿）", "version": version, "save": "1"},
    )
    p.refresh_from_db()
    assert r.status_code == 302 and p.status == "submitted" and p.title.endswith("（修改稿）")
    assert p.history.filter(history_user=people.lead).count() >= 2  # the edit is in the history
    accepted = case("accepted")
    assert client(people.lead).get(f"/proposals/{accepted.pk}/edit/").status_code in (200, 302)
    r = client(people.lead).post(f"/proposals/{accepted.pk}/edit/", {**PROPOSAL, "save": "1"})
    accepted.refresh_from_db()
    assert accepted.title != PROPOSAL["title"]  # after review: refused


def test_lead_withdraws_before_review_only(people: Any, case: Any, django_capture_on_commit_callbacks: Any) -> None:
    from luzhi.notifications.models import Notification

    p = case("submitted")
    assert client(people.cosigner).post(f"/proposals/{p.pk}/withdraw/").status_code in (302, 403, 404)
    p.refresh_from_db()
    assert p.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        r = client(people.lead).post(f"/proposals/{p.pk}/withdraw/", follow=True)
    p.refresh_from_db()
    assert p.status == "draft" and p.submitted_at is None
    assert any("已撤回" in m for m in said(r))
    assert Notification.objects.filter(user=people.office, kind="proposal_withdrawn").exists()
    accepted = case("accepted")
    client(people.lead).post(f"/proposals/{accepted.pk}/withdraw/")
    accepted.refresh_from_db()
    assert accepted.status == "accepted"


def test_joint_proposal_invites_cosigners_who_confirm_or_decline(
    people: Any, committee: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from luzhi.notifications.models import Notification

    third = make_user("member", committee)
    stranger = f.MemberFactory(committee=f.CommitteeFactory(name="别县政协"))
    c = client(people.lead)
    page = c.get("/proposals/new/").content.decode()
    assert f'name="cosigners" value="{people.cosigner.member.pk}"' in page
    assert f'name="cosigners" value="{stranger.pk}"' not in page
    assert f'name="cosigners" value="{people.lead.member.pk}"' not in page
    r = c.post("/proposals/new/", {**PROPOSAL, "submitter_type": "joint", "once": token_of(page)})
    assert r.status_code == 200 and "至少邀请一位联名委员" in r.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/proposals/new/",
            {
                **PROPOSAL,
                "submitter_type": "joint",
                "cosigners": [people.cosigner.member.pk, third.member.pk],
                "once": token_of(page),
            },
        )
    p = Proposal.objects.get()
    assert p.submitter_type == "joint" and p.cosignatures.count() == 2
    assert Notification.objects.filter(user__in=[people.cosigner, third], kind="proposal_cosign").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client(people.cosigner).post(f"/proposals/{p.pk}/cosign/")
        client(third).post(f"/proposals/{p.pk}/decline_cosign/")
    assert Notification.objects.filter(user=people.lead, kind="proposal_cosign_answer").count() == 2
    shown = client(people.office).get(f"/proposals/{p.pk}/").content.decode()
    assert f'{people.cosigner.member.name}<span class="text-success">（已确认）' in shown
    assert f'{third.member.name}<span class="text-body-secondary">（已谢绝）' in shown
    # A decided invitation offers no more buttons to its member.
    assert "确认联名" not in client(third).get(f"/proposals/{p.pk}/").content.decode()


def test_proposal_takes_attachments_checked_like_other_uploads(people: Any) -> None:
    c = client(people.lead)
    token = token_of(c.get("/proposals/new/").content.decode())
    bad = io.BytesIO(b"<script>alert(1)</script>")
    bad.name = "调研报告.pdf"
    r = c.post("/proposals/new/", {**PROPOSAL, "once": token, "files": [bad]})
    assert r.status_code == 200 and "不是" in r.content.decode() and not Proposal.objects.exists()
    good = io.BytesIO(b"%PDF-1.7\n" + b"0" * 100)
    good.name = "调研报告.pdf"
    r = c.post("/proposals/new/", {**PROPOSAL, "once": token, "files": [good]})
    p = Proposal.objects.get()
    attachment = p.attachments.get()
    assert attachment.name == "调研报告.pdf"
    assert "调研报告.pdf" in client(people.office).get(f"/proposals/{p.pk}/").content.decode()
    download = client(people.office).get(f"/proposals/attachments/{attachment.pk}/")
    assert download.status_code == 200 and "%E8%B0%83%E7%A0%94" in download["Content-Disposition"]
    assert client(people.other_member).get(f"/proposals/attachments/{attachment.pk}/").status_code == 404


def test_category_must_be_chosen(people: Any) -> None:
    c = client(people.lead)
    page = c.get("/proposals/new/").content.decode()
    category = page[page.index('name="category"') : page.index("</select>", page.index('name="category"'))]
    assert "selected" not in category.replace('<option value="" selected>', "") and "请选择" in category
    r = c.post("/proposals/new/", {**PROPOSAL, "category": "", "once": token_of(page)})
    assert r.status_code == 200 and "请选择类别。" in r.content.decode() and not Proposal.objects.exists()
