"""Documents of the ledger: the board (公示栏) for the office wall."""

from __future__ import annotations

from datetime import date
from typing import Any

from luzhi.core.clock import cn_date
from luzhi.core.documents import Document, Heading, Paragraph, Table


def board_document(*, year: int, today: date, committee: Any, rows: list[dict[str, Any]], overdue: Any) -> Document:
    """The board as an A3 landscape document: the special committees ranked, then the overdue items."""
    return Document(
        title=f"{year}年度重点工作督办公示栏",
        subtitle=f"截至{today.year}年{today.month}月{today.day}日",
        page_size="A3",
        landscape=True,
        footer=f"{committee.name}办公室",
        blocks=[
            Heading("一、各专委会晒成绩、亮短板"),
            Table(
                ["排名", "专委会", "事项数", "已完成", "逾期", "本月未调度", "平均进度"],
                [
                    [r["rank"], r["name"], r["total"], r["done"], r["overdue"], r["stale"], f"{r['avg_progress']}%"]
                    for r in rows
                ],
                widths=[1, 4, 1.5, 1.5, 1.5, 2, 2],
            ),
            Heading("二、逾期未完成事项"),
            Table(
                ["事项", "牵头领导", "责任专委会", "完成时限", "进度"],
                [[i.title, i.lead.name, i.responsible.name, cn_date(i.deadline), f"{i.progress}%"] for i in overdue],
                widths=[8, 2, 3, 2, 1.5],
            )
            if overdue
            else Paragraph("无逾期事项。"),
        ],
    )
