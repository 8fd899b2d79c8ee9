"""An issue of the 《社情民意》 bulletin as an official document (red header, 第N期, reports in order)."""

from __future__ import annotations

from luzhi.core.documents import Document, Heading, Paragraph
from luzhi.opinions.models import Bulletin
from luzhi.opinions.selectors import bulletin_reports


def bulletin_document(bulletin: Bulletin) -> Document:
    """Build the printable issue: each report with its title, body and author, one after another.

    Reports follow each other on the page, as a printed issue packs them; a title never stays
    alone at the foot of a page (the renderer keeps a heading with its first paragraph).
    """
    blocks: list = []
    reports = bulletin_reports(bulletin=bulletin)
    for report in reports:
        blocks.append(Heading(report.title, level=1))
        blocks.extend(Paragraph(line.strip(" \t\u3000")) for line in report.content.splitlines() if line.strip())
        if report.author_id:
            blocks.append(Paragraph(f"（{report.committee}委员 {report.author}）", indent=False, align="right"))
    return Document(
        title=f"{bulletin.title}",
        blocks=blocks,
        issuer=f"{bulletin.committee}办公室",
        number=f"{bulletin.year}年第{bulletin.number}期",
        date=bulletin.date,
    )
