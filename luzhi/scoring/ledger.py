"""The score ledger, derived by SQL from the records of every other feature — never typed in.

Each family of codes is one SELECT over its source table (attendance, proposals,
cosignatures, opinion adoptions and instructions, reading logs, grassroots records, the
office's adjustments); the families are joined with UNION ALL into rows of
(member, code, units, date, source). A member's ledger is those rows with the rule set's
points; the scores are one aggregate over the same union: points per member and code,
capped per code, then per shared cap, summed, graded and ranked (RANK(): 1, 1, 3) in SQL.

Computed on read: nothing to keep in step, so a corrected attendance or a new adoption
changes the ledger at once, and a committee-year is a few index range scans (see
bench/scoring.py). The SQL is plain enough to run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from luzhi.activities.models import Activity, Attendance, ReadingLog
from luzhi.opinions.models import GrassrootsRecord, OpinionAdoption, OpinionInstruction, OpinionReport
from luzhi.org.models import Member, Term
from luzhi.proposals.models import Cosignature, Proposal
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreAdjustment, ScoreRuleSet

ACCEPTED = tuple(Proposal.PUBLIC)  # 立案: accepted and every later handling status
# Typed NULLs: PostgreSQL resolves UNION column types pair by pair, so an untyped NULL would become text.
NO_DATE = "CAST(NULL AS DATE)"
NO_TIME = "CAST(NULL AS TIMESTAMP WITH TIME ZONE)"
# The union's columns, named once (each family's SELECT lists them in this order).
E = "e(member_id, code, units, on_date, on_at, source_type, source_id, title, link_id)"
OUTPUT_CODES = ("proposal_lead", "proposal_cosign", *(f"opinion_adopted_{lv}" for lv in rules.LEVELS))


# Where each source is shown: (url name, whether it takes the link id).
LINKS = {
    "attendance": ("activities:activity-detail", True),
    "proposal": ("proposals:detail", True),
    "opinion_adoption": ("opinions:detail", True),
    "opinion_instruction": ("opinions:detail", True),
    "reading_log": ("activities:reading", False),
    "grassroots_record": ("opinions:grassroots-detail", True),
    "adjustment": ("scoring:mine", False),
}


@dataclass(frozen=True)
class Entry:
    """One earning event of one member, with the record that earned it."""

    code: str
    points: Decimal
    date: dt.date | None
    source_type: str
    source_id: int
    title: str
    link_id: int | None = None  # the page that shows the source: the activity, proposal, report, record, appeal

    @property
    def key(self) -> str:
        return f"{self.code}:{self.source_type}:{self.source_id}"

    @property
    def label(self) -> str:
        return rules.LABELS.get(self.code, self.code)

    @property
    def link(self) -> str:
        if self.link_id is None or self.source_type not in LINKS:
            return ""
        name, with_id = LINKS[self.source_type]
        return reverse(name, args=[self.link_id]) if with_id else reverse(name)

    def as_api(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "points": float(self.points),
            "date": self.date.isoformat() if self.date else None,
            "source": {"type": self.source_type, "id": self.source_id},
            "entry": self.key,
            "label": self.label,
            "title": self.title,
            "link": self.link,
        }


def rule_set_for(*, committee_id: int, year: int) -> ScoreRuleSet:
    """The committee's rule set of the year, or a ValidationError (400) saying none is set."""
    found = ScoreRuleSet.objects.filter(committee_id=committee_id, year=year).first()
    if found is None:
        raise ValidationError({"year": [f"{year}年度尚未制定考评细则，请办公室先建立当年的考评细则。"]})
    return found


def _tables() -> dict[str, str]:
    models = {
        "act": Activity,
        "att": Attendance,
        "prop": Proposal,
        "cos": Cosignature,
        "rep": OpinionReport,
        "adp": OpinionAdoption,
        "ins": OpinionInstruction,
        "read": ReadingLog,
        "gr": GrassrootsRecord,
        "adj": ScoreAdjustment,
    }
    return {k: connection.ops.quote_name(m._meta.db_table) for k, m in models.items()}


def _q(values: tuple[str, ...]) -> str:
    """A SQL list of fixed code literals (our own constants, never user input)."""
    return ", ".join(f"'{v}'" for v in values)


ATTENDANCE = "attendance"  # families reading ya, the year's attendance rows with their activity


def _year_attendance() -> str:
    """CTE ya: the committee-year's attendance rows with their activity, defined once for three families."""
    t = _tables()
    # Read in place by each family: PostgreSQL would otherwise store the CTE (used thrice) and scan the copy,
    # which is slower than three index scans of the year's rows.
    inline = "NOT MATERIALIZED " if connection.vendor == "postgresql" else ""
    return (
        f"ya(att_id, member_id, status, speech, kind, days, start, title, activity_id) AS {inline}("
        "SELECT att.id, att.member_id, att.status, att.speech, a.kind, a.days, a.start, a.title, a.id"
        f" FROM {t['att']} att JOIN {t['act']} a ON a.id = att.activity_id"
        " WHERE a.committee_id = %s AND a.start >= %s AND a.start <= %s[[member:att.member_id]])"
    )


def _families() -> list[tuple[frozenset[str], str, str]]:
    """(codes produced, SELECT with {member} filter placeholder, which bounds it takes) per family."""
    t = _tables()
    present_codes = frozenset({"attend_plenary", "attend_standing", "attend_other", "leave", "absent"})
    research = _q(tuple(Activity.RESEARCH_KINDS))
    reviewed = "COALESCE(p.reviewed_at, p.submitted_at, p.created_at)"  # when a proposal was accepted
    levels = frozenset(f"opinion_adopted_{lv}" for lv in rules.LEVELS)
    instructions = frozenset(f"instruction_{lv}" for lv in rules.LEVELS)
    return [
        (
            present_codes,
            "SELECT member_id,"
            " CASE WHEN status = 'present' THEN (CASE kind WHEN 'plenary' THEN 'attend_plenary'"
            " WHEN 'standing_committee' THEN 'attend_standing' ELSE 'attend_other' END)"
            " WHEN status = 'leave' THEN 'leave' ELSE 'absent' END AS code,"
            " CASE WHEN status = 'present' AND kind = 'plenary' THEN days ELSE 1 END AS units,"
            f" start AS on_date, {NO_TIME} AS on_at, 'attendance' AS source_type, att_id AS source_id,"
            " title AS title, activity_id AS link_id FROM ya WHERE status IN ('present', 'leave', 'absent')",
            ATTENDANCE,
        ),
        (
            frozenset({"speech"}),
            f"SELECT member_id, 'speech', 1, start, {NO_TIME}, 'attendance', att_id, title, activity_id"
            " FROM ya WHERE speech",
            ATTENDANCE,
        ),
        (
            frozenset({"research_day"}),
            f"SELECT member_id, 'research_day', days, start, {NO_TIME}, 'attendance', att_id, title, activity_id"
            f" FROM ya WHERE status = 'present' AND kind IN ({research})",
            ATTENDANCE,
        ),
        (
            frozenset({"proposal_lead"}),
            f"SELECT p.lead_id, 'proposal_lead', 1, {NO_DATE}, {reviewed},"
            f" 'proposal', p.id, p.title, p.id FROM {t['prop']} p"
            f" WHERE p.committee_id = %s AND p.year = %s AND p.status IN ({_q(ACCEPTED)})[[member:p.lead_id]]",
            "year",
        ),
        (
            frozenset({"proposal_key"}),
            f"SELECT p.lead_id, 'proposal_key', 1, {NO_DATE}, {reviewed},"
            f" 'proposal', p.id, p.title, p.id FROM {t['prop']} p"
            f" WHERE p.committee_id = %s AND p.year = %s AND p.status IN ({_q(ACCEPTED)}) AND p.is_key"
            "[[member:p.lead_id]]",
            "year",
        ),
        (
            frozenset({"proposal_cosign"}),
            f"SELECT c.member_id, 'proposal_cosign', 1, {NO_DATE}, {reviewed},"
            f" 'proposal', p.id, p.title, p.id FROM {t['cos']} c JOIN {t['prop']} p ON p.id = c.proposal_id"
            f" WHERE p.committee_id = %s AND p.year = %s AND p.status IN ({_q(ACCEPTED)})"
            " AND c.confirmed_at IS NOT NULL AND c.member_id <> p.lead_id[[member:c.member_id]]",
            "year",
        ),
        (
            levels,
            f"SELECT r.author_id, 'opinion_adopted_' || x.level, 1, x.date, {NO_TIME}, 'opinion_adoption',"
            " x.id, r.title, r.id"
            f" FROM {t['adp']} x JOIN {t['rep']} r ON r.id = x.report_id"
            " WHERE r.committee_id = %s AND x.date >= %s AND x.date <= %s AND r.author_id IS NOT NULL"
            "[[member:r.author_id]]",
            "dates",
        ),
        (
            instructions,
            f"SELECT r.author_id, 'instruction_' || x.level, 1, x.date, {NO_TIME}, 'opinion_instruction',"
            " x.id, r.title, r.id"
            f" FROM {t['ins']} x JOIN {t['rep']} r ON r.id = x.report_id"
            " WHERE r.committee_id = %s AND x.date >= %s AND x.date <= %s AND r.author_id IS NOT NULL"
            "[[member:r.author_id]]",
            "dates",
        ),
        (
            frozenset({"reading"}),
            f"SELECT l.member_id, 'reading', 1, l.date, {NO_TIME}, 'reading_log', l.id, l.title, l.id"
            f" FROM {t['read']} l WHERE l.committee_id = %s AND l.date >= %s AND l.date <= %s"
            "[[member:l.member_id]]",
            "dates",
        ),
        (
            frozenset({"grassroots_responded"}),
            f"SELECT g.member_id, 'grassroots_responded', 1, {NO_DATE}, g.responded_at, 'grassroots_record',"
            " g.id, g.citizen, g.id"
            f" FROM {t['gr']} g WHERE g.committee_id = %s AND g.status = 'responded'"
            " AND g.responded_at >= %s AND g.responded_at < %s[[member:g.member_id]]",
            "times",
        ),
        (
            frozenset({rules.ADJUSTMENT}),
            f"SELECT j.member_id, 'adjustment', j.points, j.date, {NO_TIME}, 'adjustment', j.id, j.reason, j.appeal_id"
            f" FROM {t['adj']} j WHERE j.committee_id = %s AND j.year = %s[[member:j.member_id]]",
            "year",
        ),
    ]


def _member_filter(sql: str, member_id: int | None) -> str:
    head, _, rest = sql.partition("[[member:")
    if not rest:
        return sql
    column, _, tail = rest.partition("]]")
    return head + (f" AND {column} = %s" if member_id is not None else "") + tail


def _parts(
    *, committee_id: int, year: int, member_id: int | None = None, codes: set[str] | frozenset[str] | None = None
) -> tuple[list[tuple[str, list[Any]]], list[tuple[str, list[Any]]]]:
    """(prelude CTEs, family SELECTs) for every family producing one of `codes` (all when None), with parameters."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    tz = timezone.get_current_timezone()
    since = dt.datetime(year, 1, 1, tzinfo=tz)
    until = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    bounds: dict[str, list[Any]] = {"dates": [first, last], "times": [since, until], "year": [year], ATTENDANCE: []}
    member = [member_id] if member_id is not None else []
    prelude: list[tuple[str, list[Any]]] = []
    parts: list[tuple[str, list[Any]]] = []
    for produced, sql, kind in _families():
        if codes is not None and not produced & set(codes):
            continue
        if kind == ATTENDANCE:
            if not prelude:
                prelude.append((_member_filter(_year_attendance(), member_id), [committee_id, first, last, *member]))
            parts.append((sql, []))
            continue
        parts.append((_member_filter(sql, member_id), [committee_id, *bounds[kind], *member]))
    return prelude, parts


def entries_ctes(
    *, committee_id: int, year: int, member_id: int | None = None, codes: set[str] | frozenset[str] | None = None
) -> tuple[str, list[Any]]:
    """CTEs ending in e(…): the UNION ALL of every family producing one of `codes` (all when None)."""
    prelude, parts = _parts(committee_id=committee_id, year=year, member_id=member_id, codes=codes)
    union = " UNION ALL ".join(sql for sql, _ in parts)
    ctes = [sql for sql, _ in prelude] + [f"{E} AS ({union})"]
    return ", ".join(ctes), [p for _, params in [*prelude, *parts] for p in params]


def _grouped_ctes(*, committee_id: int, year: int, member_id: int | None = None) -> tuple[str, list[Any]]:
    """CTEs f0…fn (one per family) and e(member_id, code, units) summing units per member and code in each family.

    Summing inside each family before the union keeps the rows that meet the rule set to a few per member.
    """
    prelude, parts = _parts(committee_id=committee_id, year=year, member_id=member_id)
    ctes = [sql for sql, _ in prelude] + [f"f{n}{E[1:]} AS ({sql})" for n, (sql, _) in enumerate(parts)]
    grouped = " UNION ALL ".join(
        f"SELECT member_id, code, SUM(units) FROM f{n} GROUP BY member_id, code" for n in range(len(parts))
    )
    ctes.append(f"e(member_id, code, units) AS ({grouped})")
    return ", ".join(ctes), [p for _, params in [*prelude, *parts] for p in params]


def _group_key(n: int) -> str:
    """The key of the rule set's n-th shared cap in the query."""
    return f"g{n}"


def _rules_cte(rule_set: ScoreRuleSet) -> tuple[str, list[Any]]:
    """CTEs r(code, points, cap, grp) and g(grp, cap) carrying the rule set into the query."""
    group_of = {}
    group_rows, group_params = [], []
    for n, shared in enumerate(rule_set.shared_caps or []):
        for code in shared["codes"]:
            group_of[code] = _group_key(n)
        group_rows.append("(CAST(%s AS TEXT), CAST(%s AS NUMERIC))")
        group_params += [_group_key(n), str(shared["cap"])]
    rows, params = [], []
    for item in [*rule_set.items, {"code": rules.ADJUSTMENT, "points": 1}]:
        rows.append("(CAST(%s AS TEXT), CAST(%s AS NUMERIC), CAST(%s AS NUMERIC), CAST(%s AS TEXT))")
        cap = item.get("cap")
        params += [item["code"], str(item["points"]), None if cap is None else str(cap), group_of.get(item["code"])]
    groups = (
        f"g(grp, cap) AS (VALUES {', '.join(group_rows)})"
        if group_rows
        else "g(grp, cap) AS (SELECT CAST(NULL AS TEXT), CAST(NULL AS NUMERIC) WHERE 1 = 0)"
    )
    return f"r(code, points, cap, grp) AS (VALUES {', '.join(rows)}), {groups}", params + group_params


def _clamp(value: str, cap: str) -> str:
    """SQL bounding value to [-cap, cap] (no bound when cap is NULL)."""
    return (
        f"CASE WHEN {cap} IS NULL THEN {value} WHEN {value} > {cap} THEN {cap}"
        f" WHEN {value} < -{cap} THEN -{cap} ELSE {value} END"
    )


def _as_date(on_date: Any, on_at: Any) -> dt.date | None:
    if on_date is not None:
        return on_date if isinstance(on_date, dt.date) else parse_date(str(on_date)[:10])
    if on_at is None:
        return None
    if not isinstance(on_at, dt.datetime):
        on_at = parse_datetime(str(on_at))
        if on_at is None:
            return None
    if timezone.is_naive(on_at):
        on_at = timezone.make_aware(on_at, dt.UTC)
    return timezone.localdate(on_at)


def member_ledger(*, member: Member, year: int, rule_set: ScoreRuleSet | None = None) -> list[Entry]:
    """Every entry of the member's year under the rule set, by date (codes the set leaves out earn nothing)."""
    rule_set = rule_set or rule_set_for(committee_id=member.committee_id, year=year)
    entries_sql, union_params = entries_ctes(committee_id=member.committee_id, year=year, member_id=member.pk)
    ctes, rule_params = _rules_cte(rule_set)
    sql = (
        f"WITH {ctes}, {entries_sql} SELECT e.code, e.units * r.points, e.on_date, e.on_at,"
        " e.source_type, e.source_id, e.title, e.link_id FROM e JOIN r ON r.code = e.code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, rule_params + union_params)
        rows = cursor.fetchall()
    entries = [
        Entry(
            code,
            Decimal(str(points)).quantize(Decimal("0.01")),
            _as_date(d, at),
            stype,
            int(sid),
            title or "",
            int(link) if link is not None else None,
        )
        for code, points, d, at, stype, sid, title, link in rows
    ]
    return sorted(entries, key=lambda e: (e.date or dt.date.min, e.code, e.source_id))


def _grade_case(total: str) -> str:
    """SQL naming the grade of `total`: the first of rules.GRADES whose lower bound (a parameter) it reaches."""
    whens = " ".join(f"WHEN {total} >= CAST(%s AS NUMERIC) THEN '{grade}'" for grade in rules.GRADES)
    return f"CASE {whens} ELSE 'unqualified' END"


def _score_ctes(
    *, committee_id: int, year: int, rule_set: ScoreRuleSet, member_id: int | None = None
) -> tuple[str, list[Any]]:
    """The one definition of a score: CTEs ending in per_code, grouped and scored, with their parameters.

    per_code(member_id, code, grp, raw, pts): each code's points, capped by the code's cap;
    grouped(member_id, grp, raw, pts): the codes under one shared cap, summed and capped together;
    scored(id, name, position, status, total, grade, counted_in): every member of the committee (or
    only `member_id`) with the total, its grade and whether the member is on the board (active or scored).
    """
    families, union_params = _grouped_ctes(committee_id=committee_id, year=year, member_id=member_id)
    ctes, rule_params = _rules_cte(rule_set)
    member_table = connection.ops.quote_name(Member._meta.db_table)
    grade = _grade_case("COALESCE(t.total, 0)")
    bounds = [str(rule_set.grades[g]) for g in rules.GRADES]
    sql = (
        f"{ctes}, {families},"
        # e has one row per member and code already (each code comes from one family), so no second sum here.
        " per_code AS (SELECT e.member_id, e.code, r.grp, e.units * r.points AS raw,"
        f" {_clamp('e.units * r.points', 'r.cap')} AS pts FROM e JOIN r ON r.code = e.code),"
        f" grouped AS (SELECT c.member_id, c.grp, SUM(c.pts) AS raw, {_clamp('SUM(c.pts)', 'g.cap')} AS pts"
        " FROM per_code c JOIN g ON g.grp = c.grp GROUP BY c.member_id, c.grp, g.cap),"
        " totals AS (SELECT member_id, ROUND(SUM(pts), 2) AS total FROM"
        " (SELECT member_id, pts FROM per_code WHERE grp IS NULL UNION ALL SELECT member_id, pts FROM grouped) x"
        " GROUP BY member_id),"
        f" scored AS (SELECT m.id, m.name, m.position, m.status, COALESCE(t.total, 0) AS total, {grade} AS grade,"
        " CASE WHEN m.status = 'active' OR t.member_id IS NOT NULL THEN 1 ELSE 0 END AS counted_in"
        f" FROM {member_table} m LEFT JOIN totals t ON t.member_id = m.id WHERE m.committee_id = %s"
        + (" AND m.id = %s)" if member_id is not None else ")")
    )
    member = [member_id] if member_id is not None else []
    return sql, rule_params + union_params + bounds + [committee_id, *member]


def _points(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def scores(*, committee_id: int, year: int, rule_set: ScoreRuleSet | None = None) -> list[dict[str, Any]]:
    """Total, grade and rank (ties share a rank: 1, 1, 3) of every active or scored member, best first."""
    rule_set = rule_set or rule_set_for(committee_id=committee_id, year=year)
    ctes, params = _score_ctes(committee_id=committee_id, year=year, rule_set=rule_set)
    sql = (
        f"WITH {ctes} SELECT id, name, total, RANK() OVER (ORDER BY total DESC) AS rnk, grade, position, status"
        " FROM scored WHERE counted_in = 1 ORDER BY rnk, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        {
            "member": mid,
            "name": name,
            "total": float(_points(total)),
            "grade": grade,
            "rank": rank,
            "position": position,
            "status": status,
        }
        for mid, name, total, rank, grade, position, status in rows
    ]


def member_total(*, member: Member, year: int, rule_set: ScoreRuleSet) -> tuple[Decimal, str]:
    """The member's total and grade, by the board's definition over the member's own rows only (one query)."""
    ctes, params = _score_ctes(committee_id=member.committee_id, year=year, rule_set=rule_set, member_id=member.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} SELECT total, grade FROM scored", params)
        total, grade = cursor.fetchone()
    return _points(total), grade


def member_standing(*, member: Member, year: int, rule_set: ScoreRuleSet) -> dict[str, Any]:
    """The member's total, grade, rank among the board's members, their count, and per code and per shared cap
    what was earned and what counted — read from the board's definition in one query.

    The rank is 1 + the members on the board with a higher total (RANK()'s 1, 1, 3); None when the member is
    not on the board (neither active nor scored).
    """
    ctes, params = _score_ctes(committee_id=member.committee_id, year=year, rule_set=rule_set)
    sql = (
        f"WITH {ctes}, me AS (SELECT * FROM scored WHERE id = %s)"
        " SELECT me.total, me.grade,"
        " CASE WHEN me.counted_in = 1 THEN 1 + (SELECT COUNT(*) FROM scored s WHERE s.counted_in = 1"
        " AND s.total > me.total) END,"
        " (SELECT COUNT(*) FROM scored s WHERE s.counted_in = 1),"
        " pc.code, pc.raw, pc.pts, pc.grp, gr.raw, gr.pts"
        " FROM me LEFT JOIN per_code pc ON pc.member_id = me.id"
        " LEFT JOIN grouped gr ON gr.member_id = me.id AND gr.grp = pc.grp"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, member.pk])
        rows = cursor.fetchall()
    total, grade, rank, count = rows[0][:4]
    order = [*rules.CODES, rules.ADJUSTMENT]
    caps = {item["code"]: item.get("cap") for item in rule_set.items}
    codes = sorted(
        (row[4:] for row in rows if row[4] is not None),
        key=lambda r: order.index(r[0]) if r[0] in order else len(order),
    )
    summary = [
        {
            "code": code,
            "label": rules.LABELS.get(code, code),
            "raw": _points(raw),
            "cap": caps.get(code),
            "counted": _points(counted),
        }
        for code, raw, counted, _grp, _graw, _gpts in codes
    ]
    grouped = {
        grp: (_points(graw), _points(gpts)) for _code, _raw, _counted, grp, graw, gpts in codes if grp is not None
    }
    nothing = (Decimal("0.00"), Decimal("0.00"))
    shared = [
        {
            "labels": " + ".join(rules.LABELS.get(c, c) for c in group["codes"]),
            "cap": group["cap"],
            "raw": grouped.get(_group_key(n), nothing)[0],
            "counted": grouped.get(_group_key(n), nothing)[1],
        }
        for n, group in enumerate(rule_set.shared_caps or [])
    ]
    return {
        "total": _points(total),
        "grade": grade,
        "rank": rank,
        "count": count,
        "summary": summary,
        "shared": shared,
    }


def term_window(*, committee_id: int, year: int) -> tuple[dt.date, dt.date, Term | None]:
    """From the start of the term that covers the year to the end of the year (the year alone without a term)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    term = Term.objects.filter(committee_id=committee_id, start__lte=last, end__gte=first).order_by("-start").first()
    if term is None:
        return first, last, None
    return max(term.start, dt.date(2000, 1, 1)), min(term.end, last), term


def warnings(*, committee_id: int, year: int, rule_set: ScoreRuleSet | None = None) -> list[dict[str, Any]]:
    """Members crossing the exit rules (委员进出机制) of the rule set, each reason with the records behind it."""
    rule_set = rule_set or rule_set_for(committee_id=committee_id, year=year)
    config = rule_set.warning_settings
    board = scores(committee_id=committee_id, year=year, rule_set=rule_set)
    active = {row["member"]: row for row in board if row["status"] == Member.Status.ACTIVE}
    reasons: dict[int, list[dict[str, Any]]] = {}

    if limit := config["plenary_absences"]:
        since, until, term = term_window(committee_id=committee_id, year=year)
        t = _tables()
        sql = (
            f"SELECT att.member_id, att.id, a.start, a.title, a.id FROM {t['att']} att"
            f" JOIN {t['act']} a ON a.id = att.activity_id WHERE a.committee_id = %s AND a.kind = 'plenary'"
            " AND att.status = 'absent' AND a.start >= %s AND a.start <= %s AND att.member_id IN ("
            f" SELECT att2.member_id FROM {t['att']} att2 JOIN {t['act']} a2 ON a2.id = att2.activity_id"
            " WHERE a2.committee_id = %s AND a2.kind = 'plenary' AND att2.status = 'absent'"
            " AND a2.start >= %s AND a2.start <= %s GROUP BY att2.member_id HAVING COUNT(*) >= %s)"
            " ORDER BY att.member_id, a.start"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [committee_id, since, until, committee_id, since, until, limit])
            rows = cursor.fetchall()
        records: dict[int, list[dict[str, Any]]] = {}
        for member_id, att_id, start, title, activity_id in rows:
            records.setdefault(member_id, []).append(
                {
                    "type": "attendance",
                    "id": att_id,
                    "date": str(start)[:10],
                    "title": title,
                    "link": reverse("activities:activity-detail", args=[activity_id]),
                }
            )
        span = f"本届（{term}）" if term else f"{year}年度"
        for member_id, found in records.items():
            if member_id in active:
                reasons.setdefault(member_id, []).append(
                    {
                        "code": "plenary_absences",
                        "text": f"{span}无故缺席全体会议{len(found)}次（预警线{limit}次）",
                        "records": found,
                    }
                )

    if config["unqualified"]:
        for member_id, row in active.items():
            if row["grade"] == "unqualified":
                reasons.setdefault(member_id, []).append(
                    {"code": "unqualified", "text": f"{year}年度考评不合格（{row['total']:g}分）", "records": []}
                )

    if config["no_output"]:
        entries, params = entries_ctes(committee_id=committee_id, year=year, codes=set(OUTPUT_CODES))
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {entries} SELECT DISTINCT e.member_id FROM e", params)
            productive = {row[0] for row in cursor.fetchall()}
        for member_id in active:
            if member_id not in productive:
                reasons.setdefault(member_id, []).append(
                    {"code": "no_output", "text": f"{year}年度无立案提案，也无被采用的社情民意信息", "records": []}
                )

    return [
        {"member": mid, "name": active[mid]["name"], "reasons": reasons[mid]}
        for mid in sorted(reasons, key=lambda m: (active[m]["rank"], m))
    ]


IDLE_EXCLUDED = frozenset({"leave", "absent", rules.ADJUSTMENT})


def idle_members(*, committee_id: int, year: int) -> list[dict[str, Any]]:
    """Active members with nothing recorded in the year (no attendance, proposal, report, record or reading)."""
    codes = set(rules.CODES) - IDLE_EXCLUDED
    entries, params = entries_ctes(committee_id=committee_id, year=year, codes=codes)
    member_table = connection.ops.quote_name(Member._meta.db_table)
    sql = (
        f"WITH {entries} SELECT m.id, m.name FROM {member_table} m"
        " WHERE m.committee_id = %s AND m.status = 'active'"
        " AND NOT EXISTS (SELECT 1 FROM e WHERE e.member_id = m.id) ORDER BY m.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, committee_id])
        return [{"member": mid, "name": name} for mid, name in cursor.fetchall()]
