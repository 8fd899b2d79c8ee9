"""Documents of proposals: a unit's reply (答复函) and the year's compilation (提案汇编)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from luzhi.core.documents import Document, Heading, PageBreak, Paragraph, Table
from luzhi.proposals.models import Proposal, Reply


def reply_document(reply: Reply, *, proposal: Proposal) -> Document:
    """The reply as the unit's letter to the lead proposer."""
    p = proposal
    return Document(
        title=f"关于政协{p.committee.name.removesuffix('政协')}{p.year}年第{p.number}号提案的答复",
        issuer=reply.unit.name,
        date=reply.replied_at,
        blocks=[
            Paragraph(f"{p.lead.name}委员：", indent=False),
            Paragraph(f"您提出的《{p.title}》收悉。现答复如下："),
            *[Paragraph(line) for line in reply.text.splitlines() if line.strip()],
            Paragraph(f"答复类别：{reply.get_category_display()}", indent=False),
            Paragraph(reply.unit.name, align="right"),
        ],
    )


def compilation_document(*, year: int, proposals: Sequence[Proposal], issuer: str) -> Document:
    """The accepted proposals of the year in number order: a table of contents, then one proposal a page."""
    blocks: list[Any] = [
        Table(["案号", "标题", "提案人"], [[p.number, p.title, p.lead.name] for p in proposals], widths=[1, 5, 2]),
    ]
    for p in proposals:
        blocks += [
            PageBreak(),
            Heading(f"第{p.number}号　{p.title}"),
            Paragraph(f"提案人：{p.lead.name}", indent=False),
            Heading("案由", level=2),
            *[Paragraph(t) for t in p.reason.splitlines() if t.strip()],
            Heading("建议", level=2),
            *[Paragraph(t) for t in p.suggestions.splitlines() if t.strip()],
        ]
    return Document(title=f"{year}年提案汇编", issuer=issuer, blocks=blocks)
