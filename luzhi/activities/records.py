"""Meeting records (会议记录): the minutes (会议纪要), the decisions (议定事项) and the vote result sheet.

The office writes the minutes as a draft and publishes them; from then on the invited members
and leaders read them (and the decisions) like the meeting's papers, and only the office edits
them — every edit audited through the model's history. A decision becomes a plan item of the
ledger in one step; the item links back to the meeting (`links`), the decision to the item.
Documents are built here and rendered by luzhi/core/documents.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from luzhi.activities import votes
from luzhi.activities.models import Activity, Attendance, Decision, Minutes, Vote
from luzhi.activities.services import _check_manage
from luzhi.core.audit import save_as
from luzhi.core.documents import Document, Heading, PageBreak, Paragraph, Table, cn_date
from luzhi.core.errors import WorkflowError
from luzhi.core.roles import Role
from luzhi.core.services import object_create, object_delete, object_update
from luzhi.notifications.services import notify

DECISIONS_MAX = 100


def _is_office(user: Any) -> bool:
    return bool(user.is_superuser or user.role == Role.OFFICE)


# ---- minutes ----------------------------------------------------------------------------


@transaction.atomic
def minutes_create(*, actor: Any, activity: Activity, text: str) -> Minutes:
    """Start the meeting's minutes as a draft (one per meeting)."""
    _check_manage(actor, activity)
    if Minutes.objects.filter(activity=activity).exists():
        raise WorkflowError("该会议已有会议纪要，请直接修改。")
    data = {"committee": activity.committee, "activity": activity, "text": (text or "").strip()}
    return object_create(actor=actor, model=Minutes, data=data)


@transaction.atomic
def minutes_update(*, actor: Any, minutes: Minutes, data: dict[str, Any]) -> Minutes:
    """Change the text of the minutes; once published only the office may, and the edit is audited."""
    minutes = Minutes.objects.select_for_update().select_related("activity").get(pk=minutes.pk)
    _check_manage(actor, minutes.activity)
    if minutes.status == Minutes.Status.PUBLISHED and not _is_office(actor):
        raise PermissionDenied("已印发的会议纪要只有办公室可以修改。")
    data = {k: v for k, v in data.items() if k in ("text", "version")}
    if "text" in data:
        data["text"] = (data["text"] or "").strip()
    return object_update(actor=actor, instance=minutes, data=data)


@transaction.atomic
def minutes_save(*, actor: Any, activity: Activity, text: str) -> Minutes:
    """Write the meeting's minutes: create the draft, or change the text of the existing ones."""
    existing = Minutes.objects.filter(activity=activity).first()
    if existing is None:
        return minutes_create(actor=actor, activity=activity, text=text)
    return minutes_update(actor=actor, minutes=existing, data={"text": text})


@transaction.atomic
def minutes_publish(*, actor: Any, minutes: Minutes) -> Minutes:
    """Publish the minutes (draft → published): the invited members and leaders can read them; they are told."""
    minutes = Minutes.objects.select_for_update().select_related("activity").get(pk=minutes.pk)
    _check_manage(actor, minutes.activity)
    if minutes.status != Minutes.Status.DRAFT:
        raise WorkflowError("会议纪要已印发。")
    if not minutes.text.strip():
        raise ValidationError({"text": "会议纪要正文为空，不能印发。"})
    minutes.status, minutes.published_at = Minutes.Status.PUBLISHED, timezone.now()
    save_as(minutes, actor=actor)
    from luzhi.accounts.models import User

    invited = minutes.activity.attendance.values("member_id")
    notify(
        users=User.objects.filter(member_id__in=invited, is_active=True),
        kind="minutes_published",
        title=f"会议纪要已印发：{minutes.activity.title}",
        body="请在平台上阅读会议纪要和议定事项。",
        link=reverse("activities:activity-detail", args=[minutes.activity_id]) + "#minutes",
        key=f"minutes-published-{minutes.pk}",
    )
    return minutes


# ---- decisions --------------------------------------------------------------------------


def _decision_fields(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in ("order", "text", "responsible", "due", "version")}
    for name in ("text", "responsible"):
        if name in out:
            out[name] = (out[name] or "").strip()
    return out


@transaction.atomic
def decision_create(*, actor: Any, activity: Activity, data: dict[str, Any]) -> Decision:
    """Add a decision to the meeting (after the last one unless an order is given)."""
    _check_manage(actor, activity)
    Activity.objects.select_for_update().filter(pk=activity.pk).first()  # one writer of the order at a time
    if activity.decisions.count() >= DECISIONS_MAX:
        raise ValidationError({"text": f"一次会议最多{DECISIONS_MAX}项议定事项。"})
    fields = _decision_fields(data)
    fields.pop("version", None)
    if not fields.get("order"):
        fields["order"] = (activity.decisions.aggregate(n=Max("order"))["n"] or 0) + 1
    return object_create(
        actor=actor, model=Decision, data={"committee": activity.committee, "activity": activity, **fields}
    )


@transaction.atomic
def decision_update(*, actor: Any, decision: Decision, data: dict[str, Any]) -> Decision:
    """Change a decision's text, responsible or due date."""
    _check_manage(actor, decision.activity)
    return object_update(actor=actor, instance=decision, data=_decision_fields(data))


@transaction.atomic
def decision_delete(*, actor: Any, decision: Decision) -> None:
    """Remove a decision that has not become a plan item."""
    _check_manage(actor, decision.activity)
    if decision.plan_item_id:
        raise WorkflowError("该议定事项已转为督办事项，不能删除。")
    object_delete(actor=actor, instance=decision)


@transaction.atomic
def decision_to_plan_item(
    *,
    actor: Any,
    decision: Decision,
    lead: Any,
    responsible: Any,
    kind: str = "other",
    origin: str = "cppcc",
    deadline: date | None = None,
) -> Decision:
    """Turn a decision into a plan item of the meeting year's plan (once); each links to the other."""
    from luzhi.ledger.models import Plan, PlanItem

    if not _is_office(actor):
        raise PermissionDenied("只有办公室可以把议定事项转为督办事项。")
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("activity", "plan_item").get(pk=decision.pk)
    )
    if decision.plan_item_id:
        raise WorkflowError(f"该议定事项已转为督办事项“{decision.plan_item}”，不能重复转办。")
    activity = decision.activity
    year = activity.start.year
    plan = Plan.objects.filter(committee_id=activity.committee_id, year=year).order_by("id").first()
    if plan is None:
        raise WorkflowError(f"{year}年尚无年度工作计划：请先在督办台账中建立{year}年计划，再转为督办事项。")
    item = object_create(
        actor=actor,
        model=PlanItem,
        data={
            "committee": activity.committee,
            "plan": plan,
            "kind": kind,
            "origin": origin,
            "title": decision.text.replace("\n", " ")[:200],
            "lead": lead,
            "responsible": responsible,
            "deadline": deadline or decision.due or date(year, 12, 31),
            "links": [{"type": "activity", "id": activity.pk}],
        },
    )
    decision.plan_item = item
    save_as(decision, actor=actor)
    return decision


# ---- documents --------------------------------------------------------------------------


def _when(activity: Activity) -> str:
    if activity.starts_at:
        start = timezone.localtime(activity.starts_at)
        end = timezone.localtime(activity.ends_at or activity.starts_at)
        tail = f"{end:%H:%M}" if end.date() == start.date() else f"{cn_date(end.date())} {end:%H:%M}"
        return f"{cn_date(start.date())} {start:%H:%M}—{tail}"
    if activity.end != activity.start:
        return f"{cn_date(activity.start)}至{cn_date(activity.end)}"
    return cn_date(activity.start)


def attendance_summary(activity: Activity) -> dict[str, Any]:
    """Present / leave / absent / observer counts (one SQL query) and the names of those on leave."""
    S = Attendance.Status
    counts = activity.attendance.aggregate(
        invited=Count("id"),
        present=Count("id", filter=Q(status=S.PRESENT)),
        leave=Count("id", filter=Q(status=S.LEAVE)),
        absent=Count("id", filter=Q(status=S.ABSENT)),
        observer=Count("id", filter=Q(status=S.OBSERVER)),
    )
    on_leave = activity.attendance.filter(status=S.LEAVE).order_by("member__name", "member_id")
    return {**counts, "on_leave": list(on_leave.values_list("member__name", flat=True))}


def _attendance_text(summary: dict[str, Any]) -> str:
    text = (
        f"应到{summary['invited']}人，实到{summary['present']}人，请假{summary['leave']}人，缺席{summary['absent']}人"
    )
    if summary["observer"]:
        text += f"，列席{summary['observer']}人"
    text += "。"
    if summary["on_leave"]:
        text += f"请假：{'、'.join(summary['on_leave'])}。"
    return text


def _outcome(vote: Vote, result: dict[str, Any]) -> str:
    labels = {str(o["id"]): o["label"] for o in vote.options}
    if vote.kind == Vote.Kind.RESOLUTION:
        return "通过" if result["adopted"] else "未通过"
    elected = [labels.get(str(i), str(i)) for i in result["elected"] or []]
    return f"当选：{'、'.join(elected)}" if elected else "无人当选"


def _counts_text(vote: Vote, result: dict[str, Any]) -> str:
    counts = result["counts"] or {}
    labels = {str(o["id"]): o["label"] for o in vote.options}
    return "，".join(f"{votes.CHOICE_LABELS.get(k) or labels.get(k, k)}{n}票" for k, n in counts.items())


def minutes_document(minutes: Minutes) -> Document:
    """The minutes in the official layout: facts, attendance, agenda, text, decisions, vote results."""
    activity = minutes.activity
    summary = attendance_summary(activity)
    blocks: list[Any] = [
        Paragraph(f"时间：{_when(activity)}", indent=False),
        Paragraph(f"地点：{activity.location or '—'}", indent=False),
        Paragraph(f"出席情况：{_attendance_text(summary)}", indent=False),
    ]
    agenda = list(activity.agenda.order_by("order"))
    if agenda:
        blocks.append(Heading("一、会议议程"))
        for item in agenda:
            mark = "（第一议题）" if item.first_topic else ""
            who = f"（{item.presenter}）" if item.presenter else ""
            blocks.append(Paragraph(f"{item.order}. {item.title}{mark}{who}"))
    blocks.append(Heading("二、会议内容" if agenda else "一、会议内容"))
    for para in [p.strip() for p in minutes.text.splitlines()]:
        if para:
            blocks.append(Paragraph(para))
    number = 3 if agenda else 2
    decisions = list(activity.decisions.order_by("order", "id"))
    if decisions:
        blocks.append(Heading(f"{'一二三四五'[number - 1]}、议定事项"))
        blocks.append(
            Table(
                ["序号", "事项", "责任单位（人）", "完成时限"],
                [[n, d.text, d.responsible, cn_date(d.due)] for n, d in enumerate(decisions, start=1)],
                widths=[8, 52, 22, 18],
            )
        )
        number += 1
    closed = list(activity.votes.filter(status=Vote.Status.CLOSED).order_by("id"))
    if closed:
        blocks.append(Heading(f"{'一二三四五'[number - 1]}、表决结果"))
        rows = []
        for vote in closed:
            result = votes.vote_result(vote)
            rows.append(
                [
                    vote.title,
                    vote.get_method_display(),
                    f"应到{result['electorate']}，实到{result['present']}，投票{result['cast']}",
                    _counts_text(vote, result),
                    _outcome(vote, result),
                ]
            )
        blocks.append(Table(["表决事项", "方式", "人数", "票数", "结果"], rows, widths=[28, 12, 22, 22, 16]))
    committee = activity.committee
    return Document(
        title=f"{activity.title}纪要",
        blocks=blocks,
        issuer=f"{committee.name}办公室",
        number="会议纪要",
        date=timezone.localdate(minutes.published_at) if minutes.published_at else None,
        footer="" if minutes.status == Minutes.Status.PUBLISHED else "草稿，未印发",
    )


def vote_sheet_document(vote: Vote) -> Document:
    """The result sheet (表决结果) of a closed vote; a named vote adds an annex of who chose what.

    A secret vote's sheet names nobody: only the counts, never a link from a name to a choice.
    """
    if vote.status != Vote.Status.CLOSED:
        raise WorkflowError(f"表决{vote.get_status_display()}，结束后才能生成表决结果单。")
    result = votes.vote_result(vote)
    activity = vote.activity
    facts = [
        ["会议", activity.title],
        ["表决事项", vote.title],
        ["类型", vote.get_kind_display()],
        ["方式", vote.get_method_display()],
        ["通过标准", vote.get_threshold_display()],
        ["应到人数", result["electorate"]],
        ["实到人数", result["present"]],
        ["投票人数", result["cast"]],
    ]
    if vote.kind == Vote.Kind.ELECTION:
        facts.append(["应选人数", vote.max_choices])
    facts.append(["结束时间", f"{timezone.localtime(vote.closed_at):%Y-%m-%d %H:%M}" if vote.closed_at else ""])
    labels = {str(o["id"]): o["label"] for o in vote.options}
    counts = result["counts"] or {}
    elected = {str(i) for i in result["elected"] or []}
    if vote.kind == Vote.Kind.RESOLUTION:
        count_rows = [[votes.CHOICE_LABELS[k], n] for k, n in counts.items()]
        headers = ["意见", "票数"]
    else:
        count_rows = [[labels.get(k, k), n, "当选" if k in elected else ""] for k, n in counts.items()]
        headers = ["候选人", "得票", "结果"]
    blocks: list[Any] = [
        Table(["项目", "内容"], facts, widths=[25, 75]),
        Heading("计票结果"),
        Table(headers, count_rows),
        Paragraph(f"表决结果：{_outcome(vote, result)}。", bold=True),
    ]
    if vote.method == Vote.Method.NAMED:
        chosen = {row["member"]: row["choice"] for row in votes.ballots_shown(vote)}
        rows = []
        electorate = vote.electorate.order_by("name", "id").values_list("id", "name")
        for n, (member_id, name) in enumerate(electorate, start=1):
            choice = chosen.get(member_id)
            if choice is None:
                text = "未投票"
            elif isinstance(choice, str):
                text = votes.CHOICE_LABELS.get(choice, choice)
            else:
                text = "、".join(labels.get(str(c), str(c)) for c in choice) or "未选"
            rows.append([n, name, text])
        annex = Table(["序号", "委员", "意见"], rows, widths=[12, 38, 50])
        blocks += [PageBreak(), Heading("附件：记名表决情况"), annex]
    else:
        blocks.append(Paragraph("本次表决为无记名投票，选票不记录投票人，本结果单不列任何委员的选择。"))
    return Document(
        title="表决结果",
        subtitle=vote.title,
        blocks=blocks,
        date=timezone.localdate(vote.closed_at) if vote.closed_at else None,
        footer=activity.committee.name,
    )
