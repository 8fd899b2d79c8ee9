"""Roster import from the XLSX template: every row checked, nothing saved while any is bad."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from luzhi.core.audit import save_as
from luzhi.core.xlsx import Deadline, SheetRejected, finish_sheet, read_first_sheet
from luzhi.org.models import PARTIES, Committee, Member, MemberGroup, Sector, SpecialCommittee, Term

MAX_ROWS = 5000

# (header, model field, required)
COLUMNS: list[tuple[str, str, bool]] = [
    ("姓名", "name", True),
    ("性别", "gender", True),
    ("民族", "ethnicity", False),
    ("出生日期", "birth_date", False),
    ("政治面貌", "party", False),
    ("职务", "position", False),
    ("界别", "sector", False),
    ("专委会", "special_committee", False),
    ("委员小组", "group", False),
    ("届次", "term", False),
    ("工作单位及职务", "workplace", False),
    ("手机号码", "phone", False),
]
HEADER_OF = {field: header for header, field, _ in COLUMNS}


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(Exception):
    """The file or some of its rows are bad; `errors` lists each one."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _party_aliases() -> dict[str, str]:
    aliases = {}
    for code, label in PARTIES.items():
        aliases[code] = code
        aliases[label] = code
        if m := re.search(r"（(.+)）", label):
            aliases[m.group(1)] = code
    aliases.update({"中共党员": "cpc", "中共": "cpc", "党员": "cpc", "无党派": "non_party", "团员": "cyl"})
    return aliases


def _choice(value: str, choices: Any) -> str | None:
    for code, label in choices:
        if value in (code, label):
            return code
    return None


_DATE_PATTERNS = [
    r"^(\d{4})-(\d{1,2})-(\d{1,2})$",
    r"^(\d{4})/(\d{1,2})/(\d{1,2})$",
    r"^(\d{4})年(\d{1,2})月(\d{1,2})日$",
]


def parse_date(value: Any) -> date:
    """Accept a spreadsheet date or 1975-03-01 / 1975/3/1 / 1975年3月1日; reject 2023-02-30."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        if m := re.match(pattern, text):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise ValueError(f"“{text[:20]}”不是有效日期，请填写真实存在的日期，如 1975-03-01。")


def template_bytes(committee: Committee) -> bytes:
    """Return the import template: the headers, one example row, dropdowns and a notes sheet."""
    import io

    wb = Workbook()
    ws = wb.active
    ws.title = "委员名册"
    ws.append([f"{h}*" if required else h for h, _, required in COLUMNS])
    sector = Sector.objects.filter(committee=committee).first()
    ws.append(
        [
            "张三",
            "男",
            "汉族",
            date(1975, 3, 1),  # a real date, as Excel keeps one typed into the column
            "民盟",
            "委员",
            sector.name if sector else "",
            "",
            "",
            "",
            "县第一中学教师",
            "13800001234",
        ]
    )
    lists = {
        "B": ["男", "女"],
        "F": [label for _, label in Member.Position.choices],
    }
    for column, values in lists.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        dv.add(f"{column}2:{column}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append(["姓名、性别", "必填。同一政协中姓名与出生日期都相同的委员视为重复。"])
    notes.append(["出生日期", "格式 1975-03-01，须是真实日期。"])
    notes.append(["政治面貌", "、".join(PARTIES.values())])
    notes.append(["职务", "、".join(label for _, label in Member.Position.choices)])
    for label, model in (("界别", Sector), ("专委会", SpecialCommittee), ("委员小组", MemberGroup)):
        names = model.objects.filter(committee=committee).values_list("name", flat=True)
        notes.append([label, "、".join(names) or "（尚未设置）"])
    notes.append(["届次", "填写数字，如 10 或 第十届 对应的数字 10。"])
    notes.append(["手机号码", "11位数字。"])
    for sheet in (ws, notes):
        finish_sheet(sheet)  # frozen header, fitted widths; sector and committee names are free text: no formulas
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TEMPLATE_NAME = "委员名册导入模板"


def _read_rows(file: IO[bytes], deadline: Deadline) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    size = getattr(file, "size", None)
    if size is not None and size > settings.LUZHI_IMPORT_MAX_BYTES:
        limit = settings.LUZHI_IMPORT_MAX_BYTES // (1024 * 1024)
        raise ImportRejected([RowError(0, "文件", f"文件超过 {limit} MB，请分批导入。")])
    try:
        # The header row and MAX_ROWS rows below it; blank rows count too.
        rows = read_first_sheet(file, max_rows=MAX_ROWS + 1, deadline=deadline)
    except SheetRejected as exc:
        raise ImportRejected([RowError(exc.row, "文件", exc.message)]) from None
    if not rows or rows[0][0] != 1:
        raise ImportRejected([RowError(1, "文件", "表格是空的，请在模板的第一个工作表中填写。")])
    headers = [str(h).strip().rstrip("*") if h is not None else "" for h in rows[0][1]]
    return headers, rows[1:]


def _lookups(committee: Committee) -> dict[str, dict[str, Any]]:
    return {
        "sector": {o.name: o for o in Sector.objects.filter(committee=committee)},
        "special_committee": {o.name: o for o in SpecialCommittee.objects.filter(committee=committee)},
        "group": {o.name: o for o in MemberGroup.objects.filter(committee=committee)},
        "term": {str(o.number): o for o in Term.objects.filter(committee=committee)},
    }


def _build(committee: Committee, values: dict[str, Any], lookups: dict, aliases: dict) -> tuple[Member, dict]:
    member = Member(committee=committee)
    errors: dict[str, str] = {}
    for field, raw in values.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        text = raw.strip() if isinstance(raw, str) else raw
        try:
            if field == "birth_date":
                member.birth_date = parse_date(text)
            elif field == "gender":
                if (code := _choice(str(text), Member.Gender.choices)) is None:
                    raise ValueError("性别应为“男”或“女”。")
                member.gender = code
            elif field == "position":
                if (code := _choice(str(text), Member.Position.choices)) is None:
                    raise ValueError("职务应为主席、副主席、秘书长、常委或委员。")
                member.position = code
            elif field == "party":
                if (code := aliases.get(str(text))) is None:
                    raise ValueError(f"政治面貌“{str(text)[:20]}”无法识别。")
                member.party = code
            elif field in lookups:
                key = str(text)
                if field == "term":
                    key = re.sub(r"\.0$", "", key)
                if (obj := lookups[field].get(key)) is None:
                    raise ValueError(f"{HEADER_OF[field]}“{key[:20]}”不存在，请先在组织设置中添加。")
                setattr(member, field, obj)
            else:
                # Text is stored as typed; a leading "=" stays text (exports neutralise it).
                setattr(member, field, str(text))
        except ValueError as exc:
            errors[field] = str(exc)
    return member, errors


def members_import(
    *, actor: Any, committee: Committee, file: IO[bytes], after_save: Callable[[list[Member]], Any] | None = None
) -> int:
    """Create the members of an XLSX roster; raise ImportRejected with every bad cell, saving nothing.

    `after_save(members)` runs in the same transaction (e.g. accounts for them: "同时开通账号").
    """
    deadline = Deadline()
    headers, rows = _read_rows(file, deadline)
    missing = [h for h, _, required in COLUMNS if required and h not in headers]
    if missing:
        raise ImportRejected([RowError(1, h, "缺少此列，请使用下载的模板。") for h in missing])
    index_of = {field: headers.index(header) for header, field, _ in COLUMNS if header in headers}
    lookups, aliases = _lookups(committee), _party_aliases()
    errors: list[RowError] = []
    members: list[tuple[int, Member]] = []
    seen: dict[tuple[str, Any], int] = {}
    for row_number, values in rows:
        try:
            deadline.check(row_number)
        except SheetRejected as exc:
            raise ImportRejected([RowError(exc.row, "文件", exc.message)]) from None
        raw = {f: values[i] if i < len(values) else None for f, i in index_of.items()}
        member, cell_errors = _build(committee, raw, lookups, aliases)
        try:
            member.full_clean(exclude=list(cell_errors))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                cell_errors.setdefault(field, "；".join(messages))
        key = (member.name, member.birth_date)
        if member.name and member.birth_date and "name" not in cell_errors:
            if key in seen:
                cell_errors["name"] = f"与第 {seen[key]} 行重复（姓名与出生日期相同）。"
            else:
                seen[key] = row_number
        for field, message in cell_errors.items():
            column = HEADER_OF.get(field, "整行")
            if field == "__all__" and "重复" not in message and "已存在" not in message:
                column = "整行"
            elif field == "__all__":
                column, message = "姓名", "该委员已在名册中（姓名与出生日期相同）。"
            errors.append(RowError(row_number, column, message))
        members.append((row_number, member))
    if errors:
        raise ImportRejected(errors)
    if not members:
        raise ImportRejected([RowError(2, "整行", "表格中没有委员数据。")])
    with transaction.atomic():
        for _, member in members:
            save_as(member, actor=actor, reason="import")
        if after_save is not None:
            after_save([member for _, member in members])
    return len(members)
