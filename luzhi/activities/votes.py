"""Electronic votes at a meeting (电子表决): set up, open, ballot, close, count.

A named vote keeps who chose what; a secret one keeps who voted (VoteTurnout) apart from what
was chosen (Ballot without member, time or ordered key), so no role — the auditor included —
can join the two. Only members of the electorate who are signed in (attendance `present`)
vote, once. Counts are shown only after the vote is closed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from luzhi.activities.models import Attendance, Ballot, Vote, VoteTurnout
from luzhi.activities.services import _check_manage
from luzhi.core.audit import save_as
from luzhi.core.errors import WorkflowError
from luzhi.core.models import AuditEntry
from luzhi.notifications.services import notify
from luzhi.org.models import Member

CHOICES = ("yes", "no", "abstain")
CHOICE_LABELS = {"yes": "赞成", "no": "反对", "abstain": "弃权"}
MAX_OPTIONS = 200


def _options(labels: Iterable[str]) -> list[dict[str, Any]]:
    cleaned = [str(label).strip() for label in labels]
    if any(not label or len(label) > 100 for label in cleaned):
        raise ValidationError({"options": "候选人姓名不能为空，且不超过100字。"})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"options": "候选人不能重复。"})
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": f"候选人最多{MAX_OPTIONS}名。"})
    return [{"id": n, "label": label} for n, label in enumerate(cleaned, start=1)]


def _check_shape(vote: Vote) -> None:
    if vote.kind == Vote.Kind.ELECTION:
        if not vote.options:
            raise ValidationError({"options": "选举须列出候选人。"})
        if not vote.max_choices or vote.max_choices < 1:
            raise ValidationError({"max_choices": "请填写应选人数。"})
        if vote.max_choices > len(vote.options):
            raise ValidationError({"max_choices": "应选人数不能多于候选人数。"})
    elif vote.options or vote.max_choices:
        raise ValidationError({"options": "决议表决不设候选人和应选人数。"})


def _set_electorate(vote: Vote, members: list[Member] | None) -> None:
    if members is None:
        members = list(vote.activity.participants.all())
    foreign = [m for m in members if m.committee_id != vote.committee_id]
    if foreign:
        raise ValidationError({"electorate": "表决人只能是本政协的委员。"})
    if not members:
        raise ValidationError({"electorate": "表决人名单为空：请先邀请参会委员，或指定表决人。"})
    vote.electorate.set(members)


@transaction.atomic
def vote_create(*, actor: Any, data: dict[str, Any], electorate: list[Member] | None = None) -> Vote:
    """Set up a vote (draft) at a meeting; the electorate defaults to the meeting's invited members."""
    activity = data["activity"]
    _check_manage(actor, activity)
    labels = data.pop("options", None) or []
    vote = Vote(committee_id=activity.committee_id, **data)
    vote.options = _options(labels) if labels else []
    _check_shape(vote)
    vote.full_clean()
    save_as(vote, actor=actor)
    _set_electorate(vote, electorate)
    return vote


@transaction.atomic
def vote_update(*, actor: Any, vote: Vote, data: dict[str, Any], electorate: list[Member] | None = None) -> Vote:
    """Change a vote that has not been opened."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    _check_manage(actor, vote.activity)
    if vote.status != Vote.Status.DRAFT:
        raise WorkflowError("表决已开始，不能再修改。")
    if "activity" in data and data["activity"].pk != vote.activity_id:
        raise ValidationError({"activity": "不能把表决移到另一场会议。"})
    labels = data.pop("options", None)
    for name, value in data.items():
        setattr(vote, name, value)
    if labels is not None:
        vote.options = _options(labels) if labels else []
    _check_shape(vote)
    vote.full_clean()
    save_as(vote, actor=actor)
    if electorate is not None:
        _set_electorate(vote, electorate)
    return vote


@transaction.atomic
def vote_open(*, actor: Any, vote: Vote) -> Vote:
    """Open the vote: the electorate who are present may cast ballots; they are told."""
    vote = Vote.objects.select_for_update().select_related("activity").get(pk=vote.pk)
    _check_manage(actor, vote.activity)
    if vote.status != Vote.Status.DRAFT:
        raise WorkflowError(f"表决{vote.get_status_display()}，不能开始。")
    vote.status, vote.opened_at = Vote.Status.OPEN, timezone.now()
    save_as(vote, actor=actor)
    present = Attendance.objects.filter(
        activity_id=vote.activity_id, status=Attendance.Status.PRESENT, member__in=vote.electorate.all()
    ).values_list("member_id", flat=True)
    from luzhi.accounts.models import User

    notify(
        users=User.objects.filter(member_id__in=present, is_active=True),
        kind="vote_opened",
        title=f"表决开始：{vote.title}",
        body=f"{vote.activity.title}，请在手机上投票。",
        link=reverse("activities:vote-ballot", args=[vote.pk]),
        key=f"vote-opened-{vote.pk}",
    )
    return vote


@transaction.atomic
def vote_close(*, actor: Any, vote: Vote) -> Vote:
    """Close the vote: no more ballots; the count is shown."""
    vote = Vote.objects.select_for_update().select_related("activity").get(pk=vote.pk)
    _check_manage(actor, vote.activity)
    if vote.status != Vote.Status.OPEN:
        raise WorkflowError(f"表决{vote.get_status_display()}，不能结束。")
    vote.status, vote.closed_at = Vote.Status.CLOSED, timezone.now()
    save_as(vote, actor=actor)
    return vote


def _locked_for_ballot(pk: int) -> Vote:
    """The vote, locked against closing but not against other ballots.

    On PostgreSQL the lock is FOR SHARE: a hall's ballots run side by side (the unique turnout row
    keeps each member to one), and a close (FOR UPDATE) waits for the ballots in flight, so none is
    counted after it. SQLite writes one at a time anyway.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Vote._meta.db_table)
        return Vote.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [pk])[0]
    return Vote.objects.select_for_update().get(pk=pk)


@transaction.atomic
def ballot_cast(*, actor: Any, vote: Vote, choice: str | None = None, choices: list[int] | None = None) -> None:
    """Cast the caller's ballot: once, while open, by a present member of the electorate."""
    vote = _locked_for_ballot(vote.pk)
    member_id = getattr(actor, "member_id", None)
    if not member_id or not vote.electorate.filter(pk=member_id).exists():
        raise PermissionDenied("您不在本次表决的表决人名单中。")
    if not Attendance.objects.filter(
        activity_id=vote.activity_id, member_id=member_id, status=Attendance.Status.PRESENT
    ).exists():
        raise PermissionDenied("请先签到，签到后才能表决。")
    if vote.status != Vote.Status.OPEN:
        raise WorkflowError("表决未开始或已结束。")
    if VoteTurnout.objects.filter(vote=vote, member_id=member_id).exists():
        raise WorkflowError("您已投票，不能重复投票。")
    if vote.kind == Vote.Kind.RESOLUTION:
        if choice not in CHOICES or choices:
            raise ValidationError({"choice": "请选择赞成（yes）、反对（no）或弃权（abstain）。"})
        picked: list[int] = []
    else:
        if choice or not isinstance(choices, list):
            raise ValidationError({"choices": "请选择候选人（choices: 候选人编号列表）。"})
        valid = {o["id"] for o in vote.options}
        if len(set(choices)) != len(choices) or any(c not in valid for c in choices):
            raise ValidationError({"choices": "所选候选人不在名单中或有重复。"})
        if len(choices) > (vote.max_choices or 0):
            raise ValidationError({"choices": f"最多选{vote.max_choices}人。"})
        picked = sorted(choices)
    try:
        with transaction.atomic():
            VoteTurnout.objects.create(vote=vote, member_id=member_id)
    except IntegrityError:
        raise WorkflowError("您已投票，不能重复投票。") from None
    named = vote.method == Vote.Method.NAMED
    Ballot.objects.create(vote=vote, member_id=member_id if named else None, choice=choice or "", choices=picked)
    # The audit records that the member voted — never what, for a named vote as for a secret one.
    AuditEntry.objects.create(
        user=actor if getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        action=AuditEntry.Action.CREATE,
        model="activities.voteturnout",
        object_id=str(vote.pk),
        object_repr=f"参加表决：{vote.title}"[:200],
        committee_id=vote.committee_id,
    )


def _passes(votes_for: int, vote: Vote, *, electorate: int, present: int) -> bool:
    if vote.threshold == Vote.Threshold.MAJORITY_OF_PRESENT:
        return votes_for * 2 > present
    if vote.threshold == Vote.Threshold.TWO_THIRDS_OF_ELECTORATE:
        return votes_for * 3 >= electorate * 2 and votes_for > 0
    return votes_for * 2 > electorate


def vote_result(vote: Vote) -> dict[str, Any]:
    """Turnout always; counts and the outcome once closed (SQL counts, one query each)."""
    electorate_ids = vote.electorate.values("pk")
    figures = Attendance.objects.filter(activity_id=vote.activity_id, member_id__in=electorate_ids).aggregate(
        present=Count("id", filter=Q(status=Attendance.Status.PRESENT))
    )
    electorate = vote.electorate.count()
    result: dict[str, Any] = {
        "status": vote.status,
        "electorate": electorate,
        "present": figures["present"],
        "cast": vote.turnout.count(),
        "counts": None,
        "adopted": None,
        "elected": None,
    }
    if vote.status != Vote.Status.CLOSED:
        return result
    if vote.kind == Vote.Kind.RESOLUTION:
        rows = dict(vote.ballots.values_list("choice").annotate(n=Count("id")))
        counts = {c: rows.get(c, 0) for c in CHOICES}
        result["counts"] = counts
        result["adopted"] = _passes(counts["yes"], vote, electorate=electorate, present=result["present"])
    else:
        tally: Counter[int] = Counter()
        for picked in vote.ballots.values_list("choices", flat=True):
            tally.update(picked)
        counts = {str(o["id"]): tally.get(o["id"], 0) for o in vote.options}
        result["counts"] = counts
        result["elected"] = elected(vote, tally, electorate=electorate, present=result["present"])
    return result


def elected(vote: Vote, tally: Counter[int], *, electorate: int, present: int) -> list[int]:
    """Candidates over the threshold, most votes first, up to the seats.

    When more pass than there are seats, a candidate is elected only with more votes than the
    first one left out: a tie at the last seat elects neither (the meeting votes again).
    """
    passing = sorted(
        (o["id"] for o in vote.options if _passes(tally.get(o["id"], 0), vote, electorate=electorate, present=present)),
        key=lambda oid: (-tally.get(oid, 0), oid),
    )
    seats = vote.max_choices or 0
    if len(passing) <= seats:
        return passing
    first_out = tally.get(passing[seats], 0)
    return [oid for oid in passing[:seats] if tally.get(oid, 0) > first_out]


def ballots_shown(vote: Vote) -> list[dict[str, Any]]:
    """Named: who chose what. Secret: who voted, never what — whoever asks."""
    if vote.method == Vote.Method.SECRET:
        return [{"member": m} for m in vote.turnout.order_by("member_id").values_list("member_id", flat=True)]
    rows = vote.ballots.order_by("member_id").values_list("member_id", "choice", "choices")
    return [{"member": m, "choice": choice or picked} for m, choice, picked in rows]
