"""Generated documents of scoring, through core.documents: the duty report and the duty bulletin."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpResponse

from luzhi.core import clock
from luzhi.core.clock import cn_date
from luzhi.core.documents import Document, Heading, Paragraph, Table, document_response
from luzhi.core.xlsx import workbook_bytes, xlsx_response
from luzhi.org.models import Committee, Member
from luzhi.scoring import ledger, rules, selectors


def _sector(member: Member) -> str:
    """教育界 → 教育界别, 经济 → 经济界别."""
    name = str(member.sector)
    return f"{name}别" if name.endswith("界") else f"{name}界别"


def _num(value: Any) -> str:
    return f"{float(value):g}"


def duty_report_document(*, member: Member, year: int) -> Document:
    """常委履职报告: the member's year from the ledger and the records behind it (400 without a rule set)."""
    rule_set = ledger.rule_set_for(committee_id=member.committee_id, year=year)
    data = selectors.member_year(member=member, year=year)
    attendance = list(selectors.member_attendance(member=member, year=year))
    proposals = list(selectors.member_proposals(member=member, year=year).select_related("lead"))
    opinions = list(selectors.member_opinions(member=member, year=year))
    reading = list(selectors.member_reading(member=member, year=year))
    statuses = Counter(a.status for a in attendance)
    present = [a for a in attendance if a.status == a.Status.PRESENT]
    research_days = sum(a.activity.days for a in present if a.activity.kind in a.activity.RESEARCH_KINDS)
    speeches = sum(1 for a in attendance if a.speech)
    adopted = sum(len(o.adoptions.all()) for o in opinions)
    instructed = sum(len(o.instructions.all()) for o in opinions)
    position = member.get_position_display()
    committee = member.committee
    blocks: list[Any] = [
        Heading("一、基本情况"),
        Paragraph(
            f"{member.name}，{position}"
            + (f"，{_sector(member)}" if member.sector_id else "")
            + (f"，{member.workplace}" if member.workplace else "")
            + f"。{year}年度，本人按照{committee.name}委员履职量化考评细则履行职责，现将履职情况报告如下。"
        ),
        Heading("二、参加会议和活动"),
        Paragraph(
            f"全年受邀参加会议和活动{len(attendance)}次，出席{statuses.get('present', 0)}次，"
            f"请假{statuses.get('leave', 0)}次，缺席{statuses.get('absent', 0)}次；大会发言{speeches}次；"
            f"参加调研{research_days}天。"
        ),
    ]
    if attendance:
        blocks.append(
            Table(
                ["日期", "会议或活动", "出席情况"],
                [[cn_date(a.activity.start), a.activity.title, a.get_status_display()] for a in attendance],
                widths=[2, 6, 2],
            )
        )
    accepted = sum(1 for p in proposals if p.status in ledger.ACCEPTED)
    key = sum(1 for p in proposals if p.is_key)
    blocks += [
        Heading("三、提案工作"),
        Paragraph(f"提出（含联名）提案{len(proposals)}件，其中立案{accepted}件，重点提案{key}件。"),
    ]
    if proposals:
        blocks.append(
            Table(
                ["案号", "标题", "方式", "状态"],
                [
                    [p.number or "", p.title, "领衔" if p.lead_id == member.pk else "联名", p.get_status_display()]
                    for p in proposals
                ],
                widths=[1, 6, 1, 2],
            )
        )
    blocks += [
        Heading("四、反映社情民意"),
        Paragraph(f"报送社情民意信息{len(opinions)}篇，被采用{adopted}次，获领导批示{instructed}次。"),
    ]
    if opinions:
        blocks.append(
            Table(
                ["标题", "状态", "采用", "批示"],
                [
                    [
                        o.title,
                        o.get_status_display(),
                        "、".join(a.get_level_display() for a in o.adoptions.all()),
                        "、".join(i.get_level_display() for i in o.instructions.all()),
                    ]
                    for o in opinions
                ],
                widths=[6, 1, 2, 2],
            )
        )
    blocks += [
        Heading("五、学习情况"),
        Paragraph(f"全年记录读书学习{len(reading)}次。"),
        Heading("六、履职积分"),
        Paragraph(
            f"按{year}年度考评细则，本人履职积分{_num(data['total'])}分，等次为{data['grade_label']}"
            + (f"，在全体{data['count']}名委员中列第{data['rank']}名。" if data.get("rank") else "。")
        ),
        Table(
            ["计分项目", "计分", "上限", "计入"],
            [
                [row["label"], _num(row["raw"]), _num(row["cap"]) if row["cap"] else "—", _num(row["counted"])]
                for row in data["summary"]
            ],
            widths=[5, 1, 1, 1],
        ),
    ]
    if rule_set.shared_caps:
        caps = "；".join(
            "、".join(rules.LABELS[c] for c in group["codes"]) + f"合计不超过{_num(group['cap'])}分"
            for group in rule_set.shared_caps
        )
        blocks.append(Paragraph(f"注：{caps}。", indent=False))
    blocks += [
        Heading("七、积分明细"),
        Table(
            ["日期", "项目", "记录", "分值"],
            [[cn_date(e.date), e.label, e.title, _num(e.points)] for e in data["entries"]],
            widths=[2, 3, 5, 1],
        ),
        Paragraph(f"报告人：{member.name}", align="right", indent=False),
    ]
    title = "常委履职报告" if member.is_standing else "委员履职报告"
    return Document(
        title=f"{member.name}{year}年度{title}",
        subtitle=f"{committee.name} {position}",
        blocks=blocks,
        date=clock.today(),
        footer=f"{committee.name} · 根据履职积分明细生成",
    )


def duty_report_response(*, member: Member, year: int, fmt: str) -> HttpResponse:
    """The duty report as a DOCX or PDF download."""
    return document_response(duty_report_document(member=member, year=year), fmt, f"{member.name}{year}年度履职报告")


def bulletin_rows(*, committee: Committee, year: int) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    rule_set = ledger.rule_set_for(committee_id=committee.pk, year=year)
    board = ledger.scores(committee_id=committee.pk, year=year, rule_set=rule_set)
    warned = {
        w["member"]: [r["text"] for r in w["reasons"]]
        for w in ledger.warnings(committee_id=committee.pk, year=year, rule_set=rule_set)
    }
    return board, warned


def bulletin_document(*, committee: Committee, year: int) -> Document:
    """委员履职情况通报: grade counts, the ranking and the warnings of the year."""
    board, warned = bulletin_rows(committee=committee, year=year)
    counts = Counter(r["grade"] for r in board)
    summary = "，".join(f"{rules.GRADE_LABELS[g]}{counts.get(g, 0)}名" for g in [*rules.GRADES, "unqualified"])
    blocks: list[Any] = [
        Paragraph(
            f"根据《{committee.name}委员履职量化考评办法》和{year}年度考评细则，依据委员履职积分明细，"
            f"对{len(board)}名委员{year}年度履职情况进行了考评。现将有关情况通报如下。"
        ),
        Heading("一、考评等次"),
        Paragraph(f"{summary}。"),
        Heading("二、履职积分排名"),
        Table(
            ["名次", "姓名", "积分", "等次"],
            [[r["rank"], r["name"], _num(r["total"]), rules.GRADE_LABELS[r["grade"]]] for r in board],
            widths=[1, 3, 2, 2],
        ),
        Heading("三、履职预警"),
    ]
    if warned:
        names = {r["member"]: r["name"] for r in board}
        blocks.append(
            Table(["姓名", "预警事由"], [[names.get(m, m), "；".join(t)] for m, t in warned.items()], widths=[2, 8])
        )
        blocks.append(Paragraph("请上述委员认真对照委员履职有关规定，切实履行委员职责。"))
    else:
        blocks.append(Paragraph("本年度无委员触及预警规则。"))
    return Document(
        title=f"关于{year}年度委员履职情况的通报",
        issuer=f"{committee.name}办公室",
        number=f"{year}年",
        blocks=blocks,
        date=clock.today(),
    )


def bulletin_response(*, committee: Committee, year: int, fmt: str) -> HttpResponse:
    """The bulletin as a DOCX (for printing) or XLSX (ranking with grades and warnings)."""
    filename = f"{committee.name}{year}年度委员履职情况通报"
    if fmt == "docx":
        return document_response(bulletin_document(committee=committee, year=year), "docx", filename)
    board, warned = bulletin_rows(committee=committee, year=year)
    content = workbook_bytes(
        ["名次", "姓名", "积分", "等次", "预警事由"],
        (
            [r["rank"], r["name"], r["total"], rules.GRADE_LABELS[r["grade"]], "；".join(warned.get(r["member"], []))]
            for r in board
        ),
        title=f"{year}年度履职情况",
    )
    return xlsx_response(content, filename, fallback=f"duty-bulletin-{year}")


def archive_document(*, member: Member) -> Document:
    """履职档案: the member's whole term, year by year, from the ledger (years without a rule set say so)."""
    from luzhi.org.models import Term

    today = clock.today()
    term = member.term or (
        Term.objects.filter(committee_id=member.committee_id, start__lte=today).order_by("-start").first()
    )
    years = list(range(term.start.year, min(term.end.year, today.year) + 1)) if term else [today.year]
    rows: list[list[object]] = []
    blocks: list[Any] = []
    for year in years:
        data = selectors.member_year(member=member, year=year)
        if data["rule_set"] is None:
            rows.append([f"{year}年", "—", "未制定考评细则", "—"])
            continue
        rows.append(
            [
                f"{year}年",
                _num(data["total"]),
                data["grade_label"],
                f"{data['rank']}/{data['count']}" if data["rank"] else "—",
            ]
        )
        blocks += [
            Heading(f"{year}年度", level=2),
            Table(
                ["计分项目", "计分", "计入"],
                [[row["label"], _num(row["raw"]), _num(row["counted"])] for row in data["summary"]]
                or [["无记录", "", ""]],
                widths=[6, 1, 1],
            ),
        ]
    intro: list[Any] = [
        Heading("一、基本情况"),
        Paragraph(
            f"{member.name}，{member.get_position_display()}"
            + (f"，{_sector(member)}" if member.sector_id else "")
            + (f"，{term}委员" if term else "")
            + "。本档案根据履职积分明细逐年生成，每一分均可在积分明细中查到来源记录。"
        ),
        Heading("二、历年考评"),
        Table(["年度", "积分", "等次", "名次"], rows, widths=[2, 2, 2, 2]),
        Heading("三、各年度积分构成"),
    ]
    return Document(
        title=f"{member.name}履职档案",
        subtitle=f"{member.committee.name}{f' {term}' if term else ''}",
        blocks=intro + blocks,
        date=today,
        footer=f"{member.committee.name} · 委员履职档案",
    )


def archive_response(*, member: Member, fmt: str) -> HttpResponse:
    """The whole-term duty archive as a PDF (or DOCX) download."""
    return document_response(archive_document(member=member), fmt, f"{member.name}履职档案")
