"""Issue #17: the reply letter and the compilation read as the office would send them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.test import Client
from docx import Document as Docx
from docx.oxml.ns import qn

from luzhi.core.documents import render_docx
from luzhi.proposals import services
from luzhi.proposals.documents import compilation_document, reply_document, reply_title
from tests import factories as f


def _term(committee: Any, year: int) -> None:
    # The tenth term, its first session four years before the proposal's year: the fifth session.
    f.TermFactory(committee=committee, number=10, start=date(year - 4, 1, 1), end=date(year, 12, 31))


def _replied(people: Any, case: Any, text: str) -> Any:
    p = case("assigned", title="关于修缮乡村道路的建议")
    services.proposal_reply(actor=people.unit, proposal=p, category="A", text=text)
    return p, p.replies.get()


def _texts(reply: Any, proposal: Any) -> list[str]:
    return [b.text for b in reply_document(reply, proposal=proposal).blocks]


def test_title_names_committee_term_session_and_number(committee: Any, people: Any, case: Any) -> None:
    p = case("assigned")
    _term(committee, p.year)
    p.number = 16
    assert reply_title(p) == "关于政协示例县第十届第五次会议第16号提案的答复"


def test_title_without_a_term_falls_back_to_the_year(people: Any, case: Any) -> None:
    p = case("assigned")
    assert reply_title(p) == f"关于政协示例县{p.year}年第{p.number}号提案的答复"


def test_plain_reply_gets_our_salutation_and_signature(people: Any, case: Any) -> None:
    p, reply = _replied(people, case, "已安排资金修缮。\n预计年底完工。")
    texts = _texts(reply, p)
    assert texts[0] == f"{p.lead.name}委员："
    assert texts.count(f"{p.lead.name}委员：") == 1
    assert reply_document(reply, proposal=p).signed


def test_reply_with_its_own_salutation_and_signature_is_not_doubled(people: Any, case: Any) -> None:
    unit = people.unit.unit.name
    p = case("assigned", title="关于修缮乡村道路的建议")
    text = f"　　{p.lead.name}委员：\n　　您提出的建议收悉，现答复如下。\n　　已安排资金修缮。\n{unit}\n2026年5月10日"
    services.proposal_reply(actor=people.unit, proposal=p, category="A", text=text)
    doc = reply_document(p.replies.get(), proposal=p)
    texts = [b.text for b in doc.blocks]
    assert texts[0] == f"{p.lead.name}委员："
    assert sum("委员：" in t for t in texts) == 1
    assert not any("收悉。现答复如下：" in t for t in texts)  # ours is not added to theirs
    assert texts[-2:] == [unit, "2026年5月10日"] and not doc.signed

    lines = [para.text for para in Docx(io.BytesIO(render_docx(doc))).paragraphs if para.text]
    assert sum(line.endswith("委员：") for line in lines) == 1
    assert sum(unit in line for line in lines[1:]) == 1  # below the red header the unit signs once
    assert lines[-1] == "2026年5月10日"


def test_reply_page_serves_the_titled_letter(committee: Any, people: Any, case: Any) -> None:
    p, reply = _replied(people, case, "已安排资金修缮。")
    _term(committee, p.year)
    client = Client()
    client.force_login(people.office)
    response = client.get(f"/proposals/replies/{reply.pk}/document/?format=docx")
    assert response.status_code == 200
    lines = [para.text for para in Docx(io.BytesIO(response.content)).paragraphs if para.text]
    assert f"关于政协示例县第十届第五次会议第{p.number}号提案的答复" in lines


def test_compilation_body_is_indented_two_characters(people: Any, case: Any) -> None:
    p = case("accepted", reason="　　道路破损严重。\n群众出行不便。", suggestions="加快修缮。")
    docx = Docx(io.BytesIO(render_docx(compilation_document(year=p.year, proposals=[p], issuer="示例县政协"))))
    for text in ("道路破损严重。", "群众出行不便。", "加快修缮。"):
        paragraph = next(para for para in docx.paragraphs if para.text == text)  # typed spaces are gone
        assert paragraph._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
