"""Documents of proposals: a unit's reply (答复函) and the year's compilation (提案汇编)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from luzhi.core.documents import Document, Heading, PageBreak, Paragraph, Table, cn_number
from luzhi.org.models import Term
from luzhi.proposals.models import Proposal, Reply

# A salutation line the unit may have typed itself: 王伟委员： / 尊敬的王伟委员: / 王伟同志，您好！
_SALUTATION = re.compile(r"^[^，。；！？,.;!?]{1,30}(委员|代表|同志|先生|女士)([，,]?您好)?[：:，,！!]?$")
_DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})\s*年.{1,3}月.{1,3}日$")


def _lines(text: str) -> list[str]:
    """The non-blank lines of a text, without the spaces a writer typed to indent them (the renderer indents)."""
    return [line.strip(" \t\u3000") for line in text.splitlines() if line.strip(" \t\u3000")]


def _session_title(proposal: Proposal) -> str:
    """政协示例县第十届第五次会议 — the session of the proposal's year in the term that covers it."""
    place = proposal.committee.name.removesuffix("政协")
    term = (
        Term.objects.filter(
            committee_id=proposal.committee_id,
            start__lte=date(proposal.year, 12, 31),
            end__gte=date(proposal.year, 1, 1),
        )
        .order_by("start")
        .first()
    )
    if term is None:
        return f"政协{place}{proposal.year}年"
    # A term meets once a year in plenary, its first year being its first session.
    session = proposal.year - term.start.year + 1
    return f"政协{place}第{cn_number(term.number)}届第{cn_number(session)}次会议"


def reply_title(proposal: Proposal) -> str:
    """关于政协示例县第十届第五次会议第16号提案的答复."""
    return f"关于{_session_title(proposal)}第{proposal.number}号提案的答复"


def _signature_start(lines: list[str], unit: str) -> int:
    """Where the unit's own signature (its name, a date, on the last two lines) begins; len(lines) if none."""
    start = len(lines)
    while start > max(0, len(lines) - 2):
        line = lines[start - 1]
        if not (_DATE_LINE.match(line) or (len(line) <= 40 and unit in line)):
            break
        start -= 1
    return start


def reply_document(reply: Reply, *, proposal: Proposal) -> Document:
    """The reply as the unit's letter to the lead proposer.

    A unit often pastes its whole letter, salutation and signature included: those are then kept
    once, as the unit wrote them, instead of ours being added a second time.
    """
    p = proposal
    lines = _lines(reply.text)
    greets = bool(lines) and bool(_SALUTATION.match(lines[0]))
    blocks: list[Any] = []
    if greets:
        blocks.append(Paragraph(lines[0], indent=False))
        lines = lines[1:]
    else:
        blocks += [
            Paragraph(f"{p.lead.name}委员：", indent=False),
            Paragraph(f"您提出的《{p.title}》收悉。现答复如下："),
        ]
    signature_from = _signature_start(lines, reply.unit.name)
    blocks += [Paragraph(line) for line in lines[:signature_from]]
    blocks.append(Paragraph(f"答复类别：{reply.get_category_display()}", indent=False))
    blocks += [Paragraph(line, align="right") for line in lines[signature_from:]]
    return Document(
        title=reply_title(p),
        issuer=reply.unit.name,
        date=reply.replied_at,
        signed=signature_from == len(lines),  # ours only when the text has none
        blocks=blocks,
    )


def compilation_document(*, year: int, proposals: Sequence[Proposal], issuer: str) -> Document:
    """The accepted proposals of the year in number order: a table of contents, then one proposal a page.

    Every body paragraph is indented two characters by the renderer (首行缩进 2 字符).
    """
    blocks: list[Any] = [
        Table(["案号", "标题", "提案人"], [[p.number, p.title, p.lead.name] for p in proposals], widths=[1, 5, 2]),
    ]
    for p in proposals:
        blocks += [
            PageBreak(),
            Heading(f"第{p.number}号　{p.title}"),
            Paragraph(f"提案人：{p.lead.name}"),
            Heading("案由", level=2),
            *[Paragraph(t) for t in _lines(p.reason)],
            Heading("建议", level=2),
            *[Paragraph(t) for t in _lines(p.suggestions)],
        ]
    return Document(title=f"{year}年提案汇编", issuer=issuer, blocks=blocks)
