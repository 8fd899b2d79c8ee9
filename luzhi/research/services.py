"""Writes of research: completing a step with its artefact, and tracking each outcome."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from luzhi.activities.models import Activity
from luzhi.core import clock
from luzhi.core.audit import save_as
from luzhi.core.services import object_create, object_update
from luzhi.org.models import Member
from luzhi.research import workflow
from luzhi.research.models import ResearchOutcome, ResearchTopic
from luzhi.research.permissions import may_run

MAX_TEXT = 20000


def _id(value: Any) -> int | None:
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
        return None
    return int(text)


def _text(data: dict[str, Any], field: str, label: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError({field: f"请填写{label}。"})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"{label}不能超过{MAX_TEXT}字。"})
    return value.strip()


def _activity(topic: ResearchTopic, value: Any, field: str, label: str, kinds: tuple[str, ...] = ()) -> Activity:
    pk = _id(value)
    activity = Activity.objects.filter(pk=pk, committee_id=topic.committee_id).first() if pk else None
    if activity is None:
        raise ValidationError({field: f"{label}应为本政协已登记活动的编号。"})
    if kinds and activity.kind not in kinds:
        labels = [str(Activity.Kind(k).label) for k in kinds]
        allowed = "或".join(["、".join(labels[:-1]), labels[-1]]) if len(labels) > 1 else labels[0]
        raise ValidationError(
            {field: f"“{activity.title}”是{activity.get_kind_display()}，{label}只能是{allowed}活动。"}
        )
    result: Activity = activity
    return result


def _group(topic: ResearchTopic, value: Any) -> tuple[list[Member], list[dict[str, str]]]:
    if isinstance(value, list):
        value = {"members": value, "others": []}
    if not isinstance(value, dict) or set(value) - {"members", "others"}:
        raise ValidationError({"group": "调研组应为 {members: [委员编号], others: [{name, organisation}]}。"})
    ids, others = value.get("members", []), value.get("others", [])
    if not isinstance(ids, list) or not ids:
        raise ValidationError({"group": "调研组至少要有一名本政协委员。"})
    pks: list[Any] = [_id(v) for v in ids]
    if None in pks:
        raise ValidationError({"group": "委员编号应为正整数。"})
    members = list(Member.objects.filter(pk__in=pks, committee_id=topic.committee_id))
    if len(members) != len(set(pks)):
        raise ValidationError({"group": "调研组只能由本政协的委员组成（外单位人员请列入特邀专家及部门代表）。"})
    if any(m.status != Member.Status.ACTIVE for m in members):
        raise ValidationError({"group": "调研组不能包含已不在任的委员。"})
    if not isinstance(others, list):
        raise ValidationError({"group": "特邀专家及部门代表应为列表。"})
    clean_others = []
    for i, other in enumerate(others, start=1):
        name = other.get("name") if isinstance(other, dict) else None
        org = other.get("organisation", "") if isinstance(other, dict) else None
        role = other.get("role", "") if isinstance(other, dict) else None
        if not isinstance(name, str) or not name.strip() or not isinstance(org, str) or not isinstance(role, str):
            raise ValidationError({"group": f"第{i}位特邀人员应有姓名和单位。"})
        name, org = name.strip(), org.strip()
        if problem := _guest_problem(name, org):
            raise ValidationError({"group": f"第{i}位特邀人员“{name}，{org}”：{problem}"})
        clean_others.append({"name": name, "organisation": org, "role": role.strip()[:50]})
    return members, clean_others


# A person's name: Chinese characters (with the middle dot of minority names) or Latin letters.
_PERSON_NAME = re.compile(r"[\u3400-\u9fff·•]{2,10}|[A-Za-z][A-Za-z .'-]{1,49}")
_UNIT_NAME = re.compile(r"[\u3400-\u9fffA-Za-z0-9]")
_BRACKETS = re.compile(r"[（(]\s*[）)]|[（(][^）)]*$|^[^（(]*[）)]")


def _guest_problem(name: str, organisation: str) -> str:
    """What is wrong with an invited guest's name and unit ("" when both are fine)."""
    if not _PERSON_NAME.fullmatch(name):
        return "姓名应为2至10个汉字（或外文姓名），不含单位、括号和数字；请按“姓名，单位”填写，如“王芳，县住建局”。"
    if not organisation:
        return "请填写单位，如“王芳，县住建局”。"
    if len(organisation) > 100:
        return "单位不能超过100字。"
    if _BRACKETS.search(organisation) or len(_UNIT_NAME.findall(organisation)) < 2:
        return "单位名称不完整（空括号或只有符号），请填写单位全称。"
    return ""


def _outcomes(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise ValidationError({"outcomes": "调研报告至少要提出一条“问题 + 建议 + 解决方案”。"})
    rows = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ValidationError({"outcomes": f"第{i}条成果应为 {{problem, suggestion, solution}}。"})
        row = {}
        for field, label in (("problem", "问题"), ("suggestion", "建议"), ("solution", "解决方案")):
            text = item.get(field)
            if not isinstance(text, str) or not text.strip():
                raise ValidationError({"outcomes": f"第{i}条成果缺少{label}。"})
            row[field] = text.strip()[:MAX_TEXT]
        rows.append(row)
    return rows


@transaction.atomic
def research_topic_advance(
    *, actor: Any, topic: ResearchTopic, data: dict[str, Any], today: date | None = None
) -> ResearchTopic:
    """Complete the topic's current step with its artefact and move it to the next step."""
    if not may_run(actor, topic):
        raise PermissionDenied("只有牵头领导、承办专委会和办公室可以推进该课题。")
    topic = ResearchTopic.objects.select_for_update().get(pk=topic.pk)
    requested = data.get("step")
    if _id(requested) is None:
        raise ValidationError({"step": "请指明要完成的步骤（1 到 8）。"})
    step = workflow.check_step(topic.step, _id(requested))
    artefact: dict[str, Any]
    outcomes: list[dict[str, str]] = []
    if step == 1:
        artefact = {"plan": _text(data, "plan", "选题计划")}
    elif step == 2:
        artefact = {"plan_document": _text(data, "plan_document", "调研方案")}
    elif step == 3:
        members, others = _group(topic, data.get("group"))
        artefact = {"members": [m.pk for m in members], "others": others}
    elif step == 4:
        briefing = _activity(topic, data.get("briefing"), "briefing", "情况介绍会", workflow.STEP_KINDS[4])
        artefact = {"briefing": briefing.pk}
    elif step == 5:
        visits = data.get("visits")
        if not isinstance(visits, list) or not visits:
            raise ValidationError({"visits": "请至少列出一次实地调研活动。"})
        found = [_activity(topic, v, "visits", "实地调研", workflow.STEP_KINDS[5]) for v in visits]
        artefact = {"visits": sorted({a.pk for a in found}), "days": sum({a.pk: a.days for a in found}.values())}
    elif step == 6:
        discussion = _activity(topic, data.get("discussion"), "discussion", "讨论研究会", workflow.STEP_KINDS[6])
        artefact = {"discussion": discussion.pk}
    elif step == 7:
        report = _text(data, "report", "调研报告")
        outcomes = _outcomes(data.get("outcomes"))
        artefact = {"report": report, "outcomes": len(outcomes)}
    else:
        evaluation = _text(data, "evaluation", "成果评估")
        pending = topic.outcomes.filter(adoption=ResearchOutcome.Adoption.PENDING).count()
        if pending:
            raise ValidationError({"evaluation": f"还有{pending}条成果未反馈采纳情况，不能评估。"})
        artefact = {"evaluation": evaluation}

    if step == 3:
        topic.group_members.set(members)
        topic.group_others = others
    for row in outcomes:
        object_create(actor=actor, model=ResearchOutcome, data={"committee": topic.committee, "topic": topic, **row})
    day = today or clock.today()
    topic.steps = [*topic.steps, {"step": step, "completed_at": day.isoformat(), "artefact": artefact}]
    topic.step = step + 1
    save_as(topic, actor=actor)
    return topic


@transaction.atomic
def research_outcome_update(*, actor: Any, outcome: ResearchOutcome, data: dict[str, Any]) -> ResearchOutcome:
    """Record an outcome's adoption, the leaders' instruction and whether it was implemented."""
    if not may_run(actor, outcome.topic):
        raise PermissionDenied("只有牵头领导、承办专委会和办公室可以更新调研成果。")
    allowed = {k: v for k, v in data.items() if k in {"adoption", "instruction", "implemented"}}
    if outcome.topic.done and allowed.get("adoption") == ResearchOutcome.Adoption.PENDING:
        raise ValidationError({"adoption": "课题已评估，采纳情况不能改回待反馈。"})
    return object_update(actor=actor, instance=outcome, data=allowed)
