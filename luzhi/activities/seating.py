"""Seating charts (座次表) of plenary sessions: the hall, who sits where, the printable grid.

The office gives the hall's layout (rows × seats, an optional aisle) and generates the
assignment: the leaders (主席会议成员) in the front row, centred, then the other invited members
row by row, each sector (界别) — or member group (小组) — together, in the sector's order and by
name within it. Two seats can then be swapped by hand. Every change is audited through the plan.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from luzhi.activities.models import Activity, Seat, SeatingPlan
from luzhi.activities.services import _check_manage
from luzhi.core.audit import save_as
from luzhi.core.documents import Document, Paragraph, Table
from luzhi.core.errors import WorkflowError
from luzhi.core.services import object_create, object_update
from luzhi.core.text import pinyin_key
from luzhi.org.models import Member

LAYOUT_FIELDS = ("hall", "rows", "seats_per_row", "aisle_after", "version")
POSITION_RANK = {p: n for n, p in enumerate(Member.LEADER_POSITIONS)}
NO_GROUP = 2**31  # members without a sector or group sit after everyone else


def name_key(name: str) -> tuple[str, str]:
    """How names are ordered within a sector or group: by pinyin (core.text.pinyin_key)."""
    return pinyin_key(name)


@transaction.atomic
def seating_set_layout(*, actor: Any, activity: Activity, data: dict[str, Any]) -> SeatingPlan:
    """Set (or change) the meeting's hall layout; a smaller hall drops the seats outside it."""
    _check_manage(actor, activity)
    fields = {k: v for k, v in data.items() if k in LAYOUT_FIELDS}
    if isinstance(fields.get("hall"), str):
        fields["hall"] = fields["hall"].strip()
    plan = SeatingPlan.objects.select_for_update().filter(activity=activity).first()
    if plan is None:
        fields.pop("version", None)
        return object_create(
            actor=actor, model=SeatingPlan, data={"committee": activity.committee, "activity": activity, **fields}
        )
    plan = object_update(actor=actor, instance=plan, data=fields)
    outside = plan.seats.filter(row__gt=plan.rows) | plan.seats.filter(number__gt=plan.seats_per_row)
    if outside.exists():
        # The assignment no longer fits: it must be generated again.
        plan.seats.all().delete()
        plan.by, plan.generated_at = "", None
        save_as(plan, actor=actor)
    return plan


def _ordered_invitees(activity: Activity, by: str) -> tuple[list[Member], list[Member]]:
    """The invited leaders (by rank, then name) and the other invited members (by sector or group, then name)."""
    field = "sector" if by == SeatingPlan.By.SECTOR else "group"
    members = list(
        Member.objects.filter(attendance__activity=activity).select_related(field).only("id", "name", "position", field)
    )
    leaders = sorted(
        (m for m in members if m.is_leader), key=lambda m: (POSITION_RANK[m.position], name_key(m.name), m.pk)
    )
    others = sorted(
        (m for m in members if not m.is_leader),
        key=lambda m: (getattr(m, f"{field}_id") or NO_GROUP, name_key(m.name), m.pk),
    )
    return leaders, others


@transaction.atomic
def seating_generate(*, actor: Any, activity: Activity, by: str) -> SeatingPlan:
    """Seat the invited members: leaders centred in the front row(s), then each sector (or group) together."""
    _check_manage(actor, activity)
    if by not in SeatingPlan.By.values:
        raise ValidationError({"by": "排座方式只能是按界别（sector）或按委员小组（group）。"})
    plan = SeatingPlan.objects.select_for_update().filter(activity=activity).first()
    if plan is None:
        raise WorkflowError("请先设置会场（排数、每排座位数）。")
    assign_seats(plan, by)
    save_as(plan, actor=actor)
    return plan


def assign_seats(plan: SeatingPlan, by: str) -> None:
    """Replace the plan's seats by the generated assignment (the caller saves the plan); 409 when too small."""
    leaders, others = _ordered_invitees(plan.activity, by)
    width = plan.seats_per_row
    leader_rows = -(-len(leaders) // width)
    needed_rows = leader_rows + -(-len(others) // width)
    if needed_rows > plan.rows:
        total = len(leaders) + len(others)
        raise WorkflowError(
            f"座位不足：受邀{total}人（其中主席会议成员{len(leaders)}人单独坐前排），"
            f"需要{needed_rows}排，{plan.hall}只有{plan.rows}排×{width}座。请增加排数或座位数。"
        )
    seats: list[Seat] = []
    for n, member in enumerate(leaders):
        row, index = divmod(n, width)
        in_row = min(width, len(leaders) - row * width)
        first = (width - in_row) // 2 + 1  # a short front row sits in the middle
        seats.append(Seat(plan=plan, row=row + 1, number=first + index, member=member))
    for n, member in enumerate(others):
        row, index = divmod(n, width)
        seats.append(Seat(plan=plan, row=leader_rows + row + 1, number=index + 1, member=member))
    plan.seats.all().delete()
    Seat.objects.bulk_create(seats)
    plan.by, plan.generated_at = by, timezone.now()


def _position(plan: SeatingPlan, value: Any, name: str) -> tuple[int, int]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValidationError({name: "座位应为 [排, 座]。"})
    row, number = value
    if isinstance(row, bool) or isinstance(number, bool) or not isinstance(row, int) or not isinstance(number, int):
        raise ValidationError({name: "排和座应为整数。"})
    if not (1 <= row <= plan.rows and 1 <= number <= plan.seats_per_row):
        raise ValidationError({name: f"{row}排{number}座不在会场内（{plan.rows}排×{plan.seats_per_row}座）。"})
    return row, number


@transaction.atomic
def seating_swap(*, actor: Any, activity: Activity, a: Any, b: Any) -> SeatingPlan:
    """Swap the people of two seats (either may be empty: the other person moves there)."""
    _check_manage(actor, activity)
    plan = SeatingPlan.objects.select_for_update().filter(activity=activity).first()
    if plan is None:
        raise WorkflowError("请先设置会场并排座。")
    first, second = _position(plan, a, "a"), _position(plan, b, "b")
    if first == second:
        raise ValidationError({"b": "请选择两个不同的座位。"})
    taken = {(s.row, s.number): s for s in plan.seats.filter(row__in=[first[0], second[0]])}
    one, two = taken.get(first), taken.get(second)
    if one is None and two is None:
        raise ValidationError({"a": "两个座位都没有人，无需调换。"})
    if one is not None and two is not None:
        one.row, one.number = 0, 0  # out of the way of the (plan, row, number) constraint
        one.save(update_fields=["row", "number"])
    for seat, target in ((two, first), (one, second)):
        if seat is not None:
            seat.row, seat.number = target
            seat.save(update_fields=["row", "number"])
    save_as(plan, actor=actor)  # audited: a new version of the plan
    return plan


def my_seat(*, activity: Activity, member_id: int | None) -> Seat | None:
    """The member's seat at the meeting, if seated."""
    if not member_id:
        return None
    return Seat.objects.filter(plan__activity=activity, member_id=member_id).first()


def seating_grid(plan: SeatingPlan, group_field: str) -> dict[str, Any]:
    """The hall as rows of cells, each with the member's name and legend code; the legend of groups."""
    seats = list(plan.seats.select_related("member", f"member__{group_field}").order_by("row", "number"))
    groups: dict[int | None, str] = {}
    for seat in seats:
        if not seat.member.is_leader:
            group = getattr(seat.member, group_field)
            groups.setdefault(group.pk if group else None, group.name if group else "未分组")
    order = sorted(groups, key=lambda pk: pk if pk is not None else NO_GROUP)
    codes = {pk: n for n, pk in enumerate(order, start=1)}
    at: dict[tuple[int, int], Seat] = {(s.row, s.number): s for s in seats}
    by_row: dict[int, list[dict[str, Any] | None]] = defaultdict(list)
    for row in range(1, plan.rows + 1):
        for number in range(1, plan.seats_per_row + 1):
            placed = at.get((row, number))
            if placed is None:
                by_row[row].append(None)
                continue
            member = placed.member
            group_id = getattr(member, f"{group_field}_id")
            by_row[row].append(
                {
                    "name": member.name,
                    "member": member.pk,
                    "code": "主" if member.is_leader else codes[group_id],
                    "leader": member.is_leader,
                }
            )
    legend = [(codes[pk], groups[pk]) for pk in order]
    return {"rows": [(row, by_row[row]) for row in range(1, plan.rows + 1)], "legend": legend, "count": len(seats)}


def seating_document(plan: SeatingPlan) -> Document:
    """The printable chart: stage on top, a grid of row × seat with names and legend codes, the legend below."""
    field = "group" if plan.by == SeatingPlan.By.GROUP else "sector"
    grid = seating_grid(plan, field)
    aisle = plan.aisle_after
    headers = ["排"]
    for number in range(1, plan.seats_per_row + 1):
        headers.append(f"{number}座")
        if aisle and number == aisle:
            headers.append("过道")
    rows = []
    for row, cells in grid["rows"]:
        line: list[object] = [f"{row}排"]
        for number, cell in enumerate(cells, start=1):
            line.append(f"{cell['name']}\n{cell['code']}" if cell else "")
            if aisle and number == aisle:
                line.append("")
        rows.append(line)
    columns = len(headers)
    widths = [100 / columns] * columns
    label = "界别" if field == "sector" else "委员小组"
    legend = "；".join(f"{code} {name}" for code, name in grid["legend"])
    activity = plan.activity
    return Document(
        title=f"{activity.title}座次表",
        subtitle=f"{plan.hall}（{plan.rows}排×{plan.seats_per_row}座，已排{grid['count']}人）",
        blocks=[
            Paragraph("主　席　台", align="center", bold=True),
            Table(headers, rows, widths=widths),
            Paragraph(f"图例（{label}）：主 主席会议成员；{legend}", indent=False),
        ],
        page_size="A3" if plan.seats_per_row > 14 else "A4",
        landscape=True,
        footer=f"{activity.committee.name}办公室制",
    )
