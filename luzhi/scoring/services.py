"""Writes of scoring: rule sets (a new year copies the last) and appeals decided by the office."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from luzhi.core import clock
from luzhi.core.audit import save_as
from luzhi.core.errors import WorkflowError
from luzhi.core.services import object_create
from luzhi.notifications.services import notify
from luzhi.org.models import Committee, Member
from luzhi.scoring import rules
from luzhi.scoring.ledger import member_ledger, rule_set_for
from luzhi.scoring.models import ScoreAdjustment, ScoreAppeal, ScoreRuleSet
from luzhi.scoring.workflow import appeal_next_status


@transaction.atomic
def rule_set_create(*, actor: Any, committee: Committee, year: int, data: dict[str, Any] | None = None) -> ScoreRuleSet:
    """Create the year's rule set: given parts, else a copy of the latest earlier year, else the default set."""
    data = dict(data or {})
    base = (
        ScoreRuleSet.objects.filter(committee=committee, year__lt=year).order_by("-year").first()
        or ScoreRuleSet.objects.filter(committee=committee).order_by("-year").first()
    )
    template: dict[str, Any] = {
        "items": base.items if base else rules.DEFAULT_ITEMS,
        "grades": base.grades if base else rules.DEFAULT_GRADES,
        "shared_caps": base.shared_caps if base else rules.DEFAULT_SHARED_CAPS,
        "warnings": base.warning_settings if base else rules.DEFAULT_WARNINGS,
    }
    given = {name for name in template if data.get(name) is not None}
    for name, value in template.items():
        if name not in given:
            data[name] = value
    if "items" in given and "shared_caps" not in given and isinstance(data["items"], list):
        # New items without shared caps keep only the template's caps whose codes they still have.
        codes = {i.get("code") for i in data["items"] if isinstance(i, dict)}
        data["shared_caps"] = [g for g in template["shared_caps"] if set(g["codes"]) <= codes]
    data.update(committee=committee, year=year)
    return object_create(actor=actor, model=ScoreRuleSet, data=data)


def _users_of(member: Member) -> Any:
    from luzhi.accounts.models import User

    return User.objects.filter(member=member, is_active=True)


@transaction.atomic
def appeal_create(*, actor: Any, member: Member, year: int, entry: str, reason: str) -> ScoreAppeal:
    """File an appeal on one entry of the member's own ledger (an entry not in it is 400)."""
    rule_set = rule_set_for(committee_id=member.committee_id, year=year)
    found = next((e for e in member_ledger(member=member, year=year, rule_set=rule_set) if e.key == entry), None)
    if found is None:
        raise ValidationError({"entry": ["您的积分明细中没有这条记录。"]})
    if found.code == rules.ADJUSTMENT:
        raise ValidationError({"entry": ["申诉调整是办公室的处理结果，不能再申诉；如有异议请联系办公室。"]})
    if ScoreAppeal.objects.filter(
        member=member,
        code=found.code,
        source_type=found.source_type,
        source_id=found.source_id,
        status=ScoreAppeal.Status.PENDING,
    ).exists():
        raise WorkflowError("这条记录已有待处理的申诉。")
    appeal = object_create(
        actor=actor,
        model=ScoreAppeal,
        data={
            "committee": member.committee,
            "member": member,
            "year": year,
            "code": found.code,
            "source_type": found.source_type,
            "source_id": found.source_id,
            "points": found.points,
            "entry_date": found.date,
            "title": found.title[:200],
            "reason": (reason or "").strip(),
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    from luzhi.accounts.models import User
    from luzhi.core.roles import Role

    notify(
        users=User.objects.filter(committee_id=member.committee_id, role=Role.OFFICE, is_active=True),
        kind="score_appeal",
        title=f"{member.name}对积分“{appeal.title or appeal.code_label}”提出申诉",
        body=appeal.reason,
        link=reverse("scoring:appeals"),
        key=f"score_appeal:{appeal.pk}",
    )
    return appeal


def _points(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError({"points": ["调整分值应为数。"]})
    try:
        points = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": ["调整分值应为数。"]}) from None
    if not points.is_finite() or abs(points) > rules.MAX_POINTS:
        raise ValidationError({"points": ["调整分值应在 -1000 到 1000 之间。"]})
    return points


@transaction.atomic
def appeal_accept(*, actor: Any, appeal: ScoreAppeal, points: Any, reason: str) -> ScoreAdjustment:
    """Accept an appeal: add an adjustment entry with reason and author; the original entry stays as it was."""
    appeal = ScoreAppeal.objects.select_for_update().get(pk=appeal.pk)
    status = appeal_next_status(appeal, "accept")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写处理意见。"]})
    adjustment = object_create(
        actor=actor,
        model=ScoreAdjustment,
        data={
            "committee": appeal.committee,
            "member": appeal.member,
            "year": appeal.year,
            "date": clock.today(),
            "points": _points(points),
            "reason": reason.strip(),
            "appeal": appeal,
            "author": actor,
        },
    )
    _decide(actor=actor, appeal=appeal, status=status, reason=reason)
    return adjustment


@transaction.atomic
def appeal_refuse(*, actor: Any, appeal: ScoreAppeal, reason: str) -> ScoreAppeal:
    """Refuse an appeal with a reason the member will read."""
    appeal = ScoreAppeal.objects.select_for_update().get(pk=appeal.pk)
    status = appeal_next_status(appeal, "refuse")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写未采纳的理由。"]})
    return _decide(actor=actor, appeal=appeal, status=status, reason=reason)


def _decide(*, actor: Any, appeal: ScoreAppeal, status: str, reason: str) -> ScoreAppeal:
    appeal.status = status
    appeal.decision = reason.strip()
    appeal.decided_by = actor if getattr(actor, "pk", None) else None
    appeal.decided_at = timezone.now()
    appeal.full_clean()
    save_as(appeal, actor=actor)
    notify(
        users=_users_of(appeal.member),
        kind="score_appeal_decided",
        title=f"您对“{appeal.title or appeal.code_label}”的积分申诉{appeal.get_status_display()}",
        body=appeal.decision,
        link=reverse("scoring:mine"),
        key=f"score_appeal_decided:{appeal.pk}",
    )
    return appeal
