"""The cadence report (制度要求落实): each rule checked against the records of one year.

The whole report is a fixed number of SQL queries however many members, periods or
rules there are: one for the rules, one per kind of subject a rule needs (groups,
special committees, leaders, members) and ONE for all the figures — every rule's
aggregate (grouped by subject and period in SQL) joined with UNION ALL. Only activities
that span two periods of a `days` rule come back as rows, to be split by their days in
each period; they are few.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, ExtractMonth, ExtractQuarter, ExtractWeek

from luzhi.activities.models import Activity, AgendaItem, Attendance, CadenceRule, ReadingLog
from luzhi.core import clock
from luzhi.core.periods import Period, periods_of_year, year_span
from luzhi.org.models import Committee, Member, MemberGroup, SpecialCommittee

Rule = CadenceRule
SUBJECT_TYPES: dict[str, str] = {
    Rule.Scope.COMMITTEE: "committee",
    Rule.Scope.EACH_GROUP: "group",
    Rule.Scope.EACH_SPECIAL_COMMITTEE: "special_committee",
    Rule.Scope.EACH_LEADER: "member",
    Rule.Scope.EACH_MEMBER: "member",
}


@dataclass(frozen=True)
class Source:
    """Where a rule's records live: the queryset, its date fields and the subject column."""

    qs: QuerySet
    start: str
    end: str
    days: str | None
    subject: Any


def _bucket(kind: str, field: str) -> Any:
    """The 1-based index, within its year, of the period of `kind` the date field falls in."""
    if kind == "week":
        return ExtractWeek(field)  # ISO week; the date range keeps it inside the ISO year
    if kind == "month":
        return ExtractMonth(field)
    if kind == "quarter":
        return ExtractQuarter(field)
    if kind == "half_year":
        return Case(When(**{f"{field}__month__lte": 6}, then=Value(1)), default=Value(2), output_field=IntegerField())
    return Value(1, output_field=IntegerField())


def rule_source(rule: CadenceRule, committee: Committee) -> Source:
    """The records a rule counts, before the year and period are applied."""
    if rule.source == Rule.Source.READING:
        qs = ReadingLog.objects.filter(committee=committee, kind__in=rule.kinds)
        return Source(qs, "date", "date", None, F("member_id"))
    if rule.is_person_scope:
        # activity__committee repeats what committee implies, so that PostgreSQL finds the
        # activities by the (committee, kind, start) index instead of scanning every committee's.
        qs = Attendance.objects.filter(
            committee=committee,
            status=Attendance.Status.PRESENT,
            activity__committee=committee,
            activity__kind__in=rule.kinds,
        )
        if rule.study:
            qs = qs.filter(activity__study__icontains=f'"{rule.study}"')
        return Source(qs, "activity__start", "activity__end", "activity__days", F("member_id"))
    qs = Activity.objects.filter(committee=committee, kind__in=rule.kinds)
    if rule.study:
        qs = qs.filter(study__icontains=f'"{rule.study}"')
    subject: Any = Value(committee.pk, output_field=IntegerField())
    if rule.scope == Rule.Scope.EACH_GROUP:
        qs, subject = qs.filter(group__isnull=False), F("group_id")
    elif rule.scope == Rule.Scope.EACH_SPECIAL_COMMITTEE:
        qs, subject = qs.filter(special_committee__isnull=False), F("special_committee_id")
    return Source(qs, "start", "end", "days", subject)


def _figures(rule: CadenceRule, committee: Committee, year: int) -> list[QuerySet]:
    """The rule's figures as (rule, subject, bucket, value, start, end) querysets, ready for UNION ALL."""
    src = rule_source(rule, committee)
    first, last = year_span(rule.period, year)
    no_date = Cast(Value(None), output_field=DateField())  # typed NULL: PostgreSQL unions need it
    base = src.qs.order_by().annotate(
        r=Value(rule.pk, output_field=IntegerField()),
        subject=src.subject,
        b=_bucket(rule.period, src.start),
        be=_bucket(rule.period, src.end),
    )
    columns = ("r", "subject", "b", "value", "s", "e")
    if rule.measure == Rule.Measure.COUNT or src.days is None:
        counted = base.filter(**{f"{src.start}__range": (first, last)})
        grouped = counted.values("r", "subject", "b").annotate(value=Count("pk"), s=no_date, e=no_date)
        return [grouped.values_list(*columns)]
    inside = Q(**{f"{src.start}__gte": first, f"{src.end}__lte": last}) & Q(b=F("be"))
    whole = base.filter(inside).values("r", "subject", "b").annotate(value=Sum(src.days), s=no_date, e=no_date)
    spanning = (
        base.filter(**{f"{src.start}__lte": last, f"{src.end}__gte": first})
        .exclude(inside)
        .annotate(value=F(src.days), s=F(src.start), e=F(src.end))
    )
    return [whole.values_list(*columns), spanning.values_list(*columns)]


def _subjects(committee: Committee, scopes: set[str]) -> dict[str, list[tuple[int, str]]]:
    """(id, name) of every subject of each scope: active groups, special committees, active leaders and members."""
    out: dict[str, list[tuple[int, str]]] = {Rule.Scope.COMMITTEE: [(committee.pk, committee.name)]}
    if Rule.Scope.EACH_GROUP in scopes:
        active = Member.objects.filter(group=OuterRef("pk"), status=Member.Status.ACTIVE)
        groups = MemberGroup.objects.filter(committee=committee).filter(Exists(active)).order_by("id")
        out[Rule.Scope.EACH_GROUP] = list(groups.values_list("id", "name"))
    if Rule.Scope.EACH_SPECIAL_COMMITTEE in scopes:
        specials = SpecialCommittee.objects.filter(committee=committee).order_by("id")
        out[Rule.Scope.EACH_SPECIAL_COMMITTEE] = list(specials.values_list("id", "name"))
    members = Member.objects.filter(committee=committee, status=Member.Status.ACTIVE).order_by("id")
    if Rule.Scope.EACH_LEADER in scopes:
        leaders = members.filter(position__in=Member.LEADER_POSITIONS)
        out[Rule.Scope.EACH_LEADER] = list(leaders.values_list("id", "name"))
    if Rule.Scope.EACH_MEMBER in scopes:
        out[Rule.Scope.EACH_MEMBER] = list(members.values_list("id", "name"))
    return out


def spread_days(start: date, end: date, days: int, period: Period) -> int:
    """The field days of an activity that fall in the period, counting its `days` from its first day."""
    overlap = period.days_overlap(start, end)
    before = max(0, (period.start - start).days)
    return max(0, min(overlap, days - before))


def cell_status(value: int, minimum: int, period: Period, today: date) -> str:
    """met when the minimum is reached; missed once the period is over; open until then."""
    if value >= minimum:
        return "met"
    return "missed" if period.end < today else "open"


Lacking = dict[tuple[int, int, int], list[dict[str, Any]]]


def lacks_first_topic(qs: QuerySet) -> QuerySet:
    """The activities of qs whose agenda does not open with an item flagged 第一议题 (no agenda: lacking too)."""
    opening = AgendaItem.objects.filter(activity=OuterRef("pk")).order_by("order", "id").values("first_topic")[:1]
    return qs.annotate(opened=Subquery(opening)).filter(Q(opened=False) | Q(opened__isnull=True))


def _first_topic_lacking(
    committee: Committee, year: int, rules: list[CadenceRule], periods: dict[int, list[Period]]
) -> Lacking:
    """Per (rule, subject, period index) the meetings of a 第一议题 rule that did not open with it — one query."""
    wanted = [rule for rule in rules if rule.first_topic and not rule.is_person_scope]
    if not wanted:
        return {}
    spans = [year_span(rule.period, year) for rule in wanted]
    meetings = lacks_first_topic(
        Activity.objects.filter(
            committee=committee,
            kind__in={kind for rule in wanted for kind in rule.kinds},
            start__range=(min(s[0] for s in spans), max(s[1] for s in spans)),
        )
    ).order_by("start", "id")
    rows = list(meetings.values("id", "title", "start", "kind", "study", "group_id", "special_committee_id"))
    out: Lacking = defaultdict(list)
    for rule in wanted:
        for row in rows:
            if row["kind"] not in rule.kinds or (rule.study and rule.study not in (row["study"] or [])):
                continue
            subjects: dict[str, int] = {
                Rule.Scope.EACH_GROUP: row["group_id"],
                Rule.Scope.EACH_SPECIAL_COMMITTEE: row["special_committee_id"],
            }
            subject = subjects.get(rule.scope, committee.pk)
            period = next((p for p in periods[rule.pk] if p.start <= row["start"] <= p.end), None)
            if subject is not None and period is not None:
                out[(rule.pk, subject, period.index)].append(
                    {"id": row["id"], "title": row["title"], "start": row["start"]}
                )
    return out


def _cadence_values(
    committee: Committee, year: int
) -> tuple[list[CadenceRule], dict[str, list[tuple[int, str]]], dict[int, list[Period]], dict[tuple, int], Lacking]:
    """The committee's rules, their subjects and periods, the value of every non-empty cell and the
    meetings that lacked 第一议题 where a rule requires it."""
    rules = list(CadenceRule.objects.filter(committee=committee).order_by("id"))
    subjects = _subjects(committee, {r.scope for r in rules})
    parts = [part for rule in rules for part in _figures(rule, committee, year)]
    values: dict[tuple[int, int, int], int] = defaultdict(int)
    spanning: list[tuple[int, int, date, date, int]] = []
    if parts:
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for rule_id, subject, bucket, value, start, end in union:
            if start is None:
                values[(rule_id, subject, int(bucket))] += int(value or 0)
            else:
                spanning.append((rule_id, subject, start, end, int(value or 0)))
    periods = {rule.pk: periods_of_year(rule.period, year) for rule in rules}
    for rule_id, subject, start, end, days in spanning:
        for p in periods[rule_id]:
            if p.start <= end and start <= p.end:
                values[(rule_id, subject, p.index)] += spread_days(start, end, days, p)
    return rules, subjects, periods, values, _first_topic_lacking(committee, year, rules, periods)


def cadence_report(*, committee: Committee, year: int, today: date | None = None) -> dict[str, Any]:
    """Check every cadence rule of the committee against the year's records, per subject and period."""
    today = today or clock.today()
    rules, subjects, periods, values, lacking = _cadence_values(committee, year)

    def rows(rule: CadenceRule) -> list[dict[str, Any]]:
        if rule.first_topic:
            return first_topic_rows(rule)
        # Tens of thousands of cells for a weekly rule per member: locals, not attribute lookups.
        pk, minimum, kind, own = rule.pk, rule.minimum, SUBJECT_TYPES[rule.scope], periods[rule.pk]
        get = values.get
        return [
            {
                "subject": {"type": kind, "id": subject_id, "name": name},
                "periods": [
                    {
                        "start": p.start,
                        "end": p.end,
                        "value": (v := get((pk, subject_id, p.index), 0)),
                        "minimum": minimum,
                        "status": cell_status(v, minimum, p, today),
                    }
                    for p in own
                ],
            }
            for subject_id, name in subjects[rule.scope]
        ]

    def first_topic_rows(rule: CadenceRule) -> list[dict[str, Any]]:
        # A meeting that did not open with 第一议题 fails its cell, listed under `lacking`.
        pk, minimum = rule.pk, rule.minimum
        return [
            {
                "subject": {"type": SUBJECT_TYPES[rule.scope], "id": subject_id, "name": name},
                "periods": [
                    {
                        "start": p.start,
                        "end": p.end,
                        "value": (v := values.get((pk, subject_id, p.index), 0)),
                        "minimum": minimum,
                        "status": "missed"
                        if (gaps := lacking.get((pk, subject_id, p.index)))
                        else cell_status(v, minimum, p, today),
                        "lacking": gaps or [],
                    }
                    for p in periods[pk]
                ],
            }
            for subject_id, name in subjects[rule.scope]
        ]

    return {
        "year": year,
        "today": today,
        "rules": [
            {
                "rule": rule.pk,
                "name": rule.name,
                "period": rule.period,
                "scope": rule.scope,
                "measure": rule.measure,
                "minimum": rule.minimum,
                "first_topic": rule.first_topic,
                "rows": rows(rule),
            }
            for rule in rules
        ],
    }


def cadence_summary(*, committee: Committee, year: int, today: date | None = None) -> list[dict[str, Any]]:
    """Per rule, how many cells of the year's report are met, missed and still open (no cell objects)."""
    today = today or clock.today()
    rules, subjects, periods, values, lacking = _cadence_values(committee, year)
    summary = []
    for rule in rules:
        pk, minimum = rule.pk, rule.minimum
        counts = {"met": 0, "missed": 0, "open": 0}
        for p in periods[pk]:
            past = p.end < today
            failed = sum(1 for subject_id, _ in subjects[rule.scope] if (pk, subject_id, p.index) in lacking)
            met = sum(
                1
                for subject_id, _ in subjects[rule.scope]
                if values.get((pk, subject_id, p.index), 0) >= minimum and (pk, subject_id, p.index) not in lacking
            )
            counts["met"] += met
            counts["missed"] += failed
            counts["missed" if past else "open"] += len(subjects[rule.scope]) - met - failed
        summary.append({"rule": pk, "name": rule.name, "cells": counts})
    return summary


def cadence_cell_records(*, rule: CadenceRule, subject_id: int, start: date, end: date) -> QuerySet:
    """The activities (or reading log entries) that count towards one cell of the report."""
    src = rule_source(rule, rule.committee)
    if rule.measure == Rule.Measure.COUNT or src.days is None:
        qs = src.qs.filter(**{f"{src.start}__range": (start, end)})
    else:
        qs = src.qs.filter(**{f"{src.start}__lte": end, f"{src.end}__gte": start})
    if rule.scope != Rule.Scope.COMMITTEE:
        qs = qs.annotate(subject=src.subject).filter(subject=subject_id)
    if rule.source == Rule.Source.READING:
        return qs.select_related("member").order_by("date", "id")
    if rule.is_person_scope:
        ids = qs.values("activity_id")
        return Activity.objects.filter(pk__in=ids).order_by("start", "id")
    return qs.order_by("start", "id")
