"""Proposal pages: each allowed for its role and denied for others; steps taken from the case page."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from docx import Document as Docx

from luzhi.proposals.models import Proposal


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_member_writes_and_submits_from_the_form(people: Any) -> None:
    c = client(people.lead)
    assert c.get("/proposals/new/").status_code == 200
    r = c.post(
        "/proposals/new/",
        {
            "title": "关于修缮乡村道路的建议",
            "category": "urban",
            "submitter_type": "member",
            "reason": "路坏了。",
            "suggestions": "修路。",
            "submit": "1",
        },
    )
    p = Proposal.objects.get()
    assert r.status_code == 302 and p.status == "submitted"
    assert client(people.office).get("/proposals/new/").status_code == 403


def test_form_shows_errors_and_saves_nothing(people: Any) -> None:
    r = client(people.lead).post("/proposals/new/", {"title": "", "category": "urban", "submitter_type": "member"})
    assert r.status_code == 200 and not Proposal.objects.exists()


def test_similar_panel(people: Any, case: Any) -> None:
    case("accepted", title="关于发展农村互助养老的建议", reason="建设互助幸福院，低龄老人照顾高龄老人。")
    r = client(people.other_member).post("/proposals/similar/", {"title": "乡村互助养老幸福院", "reason": "老人照顾"})
    assert r.status_code == 200 and "农村互助养老" in r.content.decode()
    assert client(people.unit).post("/proposals/similar/", {"title": "养老"}).status_code == 403


def test_office_accepts_and_assigns_from_the_case_page(people: Any, case: Any) -> None:
    p = case("submitted")
    c = client(people.office)
    assert "审查" in c.get(f"/proposals/{p.pk}/").content.decode()
    c.post(f"/proposals/{p.pk}/review/", {"decision": "accept"})
    c.post(f"/proposals/{p.pk}/assign/", {"lead_unit": people.unit.unit.pk})
    p.refresh_from_db()
    assert p.status == "assigned" and p.number == 1
    client(people.lead).post(f"/proposals/{p.pk}/review/", {"decision": "reject"}, follow=True)
    p.refresh_from_db()
    assert p.status == "assigned"


def test_unit_portal_reply_with_file_and_printable(people: Any, case: Any) -> None:
    p = case("assigned")
    c = client(people.unit)
    assert p.title in c.get("/proposals/").content.decode()
    assert client(people.other_unit).get(f"/proposals/{p.pk}/").status_code == 404
    upload = io.BytesIO(b"%PDF-1.7\n" + b"0" * 100)
    upload.name = "reply.pdf"
    c.post(f"/proposals/{p.pk}/reply/", {"category": "A", "text": "已办结。", "file": upload})
    p.refresh_from_db()
    assert p.status == "replied"
    reply = p.replies.get()
    assert c.get(f"/proposals/replies/{reply.pk}/file/").status_code == 200
    doc = c.get(f"/proposals/replies/{reply.pk}/document/?format=docx")
    assert doc.status_code == 200 and "已办结" in "\n".join(x.text for x in Docx(io.BytesIO(doc.content)).paragraphs)
    assert client(people.other_unit).get(f"/proposals/replies/{reply.pk}/document/").status_code == 404


def test_bad_reply_file_on_page_saves_nothing(people: Any, case: Any) -> None:
    p = case("assigned")
    upload = io.BytesIO(b"MZ not a document")
    upload.name = "reply.pdf"
    r = client(people.unit).post(
        f"/proposals/{p.pk}/reply/", {"category": "A", "text": "x", "file": upload}, follow=True
    )
    p.refresh_from_db()
    assert p.status == "assigned" and "PDF" in r.content.decode()


def test_member_rates_from_the_page(people: Any, case: Any) -> None:
    p = case("replied")
    client(people.other_member).post(f"/proposals/{p.pk}/evaluate/", {"rating": "satisfied"})
    p.refresh_from_db()
    assert p.status == "replied"
    client(people.lead).post(f"/proposals/{p.pk}/evaluate/", {"rating": "satisfied"})
    p.refresh_from_db()
    assert p.status == "closed"


def test_stats_reminders_and_compilation(people: Any, case: Any) -> None:
    p = case("closed")
    office = client(people.office)
    assert office.get("/proposals/stats/").status_code == 200
    assert office.get("/proposals/reminders/").status_code == 200
    assert client(people.lead).get("/proposals/reminders/").status_code == 403
    assert client(people.unit).get("/proposals/stats/").status_code == 403
    r = office.get(f"/proposals/compilation/?year={p.year}")
    text = "\n".join(x.text for x in Docx(io.BytesIO(r.content)).paragraphs)
    assert f"第{p.number}号" in text and p.title in text
    assert client(people.lead).get("/proposals/compilation/").status_code == 403


def test_editing_a_draft_someone_changed_meanwhile_is_refused(case, people):
    """Two tabs (or author and office) edit one draft: the later submit from the old version saves nothing."""
    from django.test import Client

    draft = case(title="关于加强农村饮水安全的建议")
    client = Client()
    client.force_login(people.lead)
    page = client.get(f"/proposals/{draft.pk}/edit/").content.decode()
    assert f'name="version" value="{draft.version}"' in page and 'type="hidden"' in page
    data = {
        "title": "关于加强农村供水保障的建议",
        "category": draft.category,
        "submitter_type": draft.submitter_type,
        "reason": draft.reason,
        "suggestions": draft.suggestions,
        "version": draft.version,
    }
    assert client.post(f"/proposals/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "关于加强农村供水保障的建议"

    stale = {**data, "title": "旧页面上的标题"}  # the same, old version again
    response = client.post(f"/proposals/{draft.pk}/edit/", stale)
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "关于加强农村供水保障的建议"
