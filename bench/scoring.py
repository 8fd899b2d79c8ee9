"""Duty scoring at the size of a large county over ten years: 300 members, ~100,000 attendance rows,
~3,000 proposals, ~5,000 opinion reports. Times the derived scores (Luzhi's SQL) beside a hand-written
SQL query computing the same totals, checks both agree, and times the pages that read them."""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.test import Client

from bench.timing import timed_call

MEMBERS = 300
YEARS = range(2016, 2026)
YEAR = 2025
SEED = 7


def _interleaved(a: Callable[[], Any], b: Callable[[], Any], n: int) -> tuple[dict[str, float], dict[str, float]]:
    """Time two calls alternately, so that a busy machine slows both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    for i in range(n + 5):
        for fn, store in ((a, samples[0]), (b, samples[1])):
            start = time.perf_counter()
            fn()
            if i >= 5:
                store.append((time.perf_counter() - start) * 1000)

    def figures(values: list[float]) -> dict[str, float]:
        values.sort()
        return {
            "n": n,
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(values[int(len(values) * 0.95) - 1], 2),
            "max_ms": round(values[-1], 2),
        }

    return figures(samples[0]), figures(samples[1])


def _build(city: Any) -> tuple[Any, dict[str, int]]:
    from django.utils import timezone

    from luzhi.activities.models import Activity, Attendance, ReadingLog
    from luzhi.opinions.models import GrassrootsRecord, OpinionAdoption, OpinionInstruction, OpinionReport
    from luzhi.org.models import Committee, Member
    from luzhi.proposals.models import Cosignature, Proposal

    rng = random.Random(SEED)
    county = Committee.objects.create(name="基准县政协", level=Committee.Level.COUNTY, parent=city)
    Member.objects.bulk_create(
        Member(committee=county, name=f"基准委员{i}", gender="MF"[i % 2], position="standing" if i < 60 else "member")
        for i in range(MEMBERS)
    )
    members = list(Member.objects.filter(committee=county).values_list("id", flat=True))
    counts = {"attendance": 0, "proposals": 0, "opinions": 0}
    kinds = [("plenary", 2, MEMBERS, 3), ("standing_committee", 4, 60, 1), ("research_visit", 4, 40, 3)]
    kinds += [("consultation_monthly", 34, 260, 1)]
    for year in YEARS:
        acts = []
        for kind, n, size, days in kinds:
            for i in range(n):
                start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 360))
                acts.append(
                    (
                        Activity(
                            committee=county, kind=kind, title=f"{year}{kind}{i}", start=start, end=start, days=days
                        ),
                        size,
                    )
                )
        Activity.objects.bulk_create([a for a, _ in acts])
        rows = []
        for act, size in acts:
            for member_id in rng.sample(members, size):
                roll = rng.random()
                status = (
                    "present" if roll < 0.85 else "leave" if roll < 0.93 else "absent" if roll < 0.98 else "invited"
                )
                speech = act.kind == "plenary" and status == "present" and rng.random() < 0.03
                rows.append(
                    Attendance(committee=county, activity=act, member_id=member_id, status=status, speech=speech)
                )
        Attendance.objects.bulk_create(rows, batch_size=5000)
        counts["attendance"] += len(rows)
        reviewed = timezone.make_aware(dt.datetime(year, 3, 1, 10))
        proposals = [
            Proposal(
                committee=county,
                year=year,
                title=f"{year}年第{i}件提案",
                reason="案由",
                suggestions="建议",
                lead_id=rng.choice(members),
                status=rng.choice(["accepted", "assigned", "replied", "closed", "closed", "rejected", "merged"]),
                is_key=rng.random() < 0.05,
                reviewed_at=reviewed,
            )
            for i in range(300)
        ]
        Proposal.objects.bulk_create(proposals)
        counts["proposals"] += len(proposals)
        Cosignature.objects.bulk_create(
            [
                Cosignature(proposal=p, member_id=m, confirmed_at=reviewed)
                for p in proposals
                if rng.random() < 0.4
                for m in set(rng.sample(members, 3)) - {p.lead_id}
            ]
        )
        reports = [
            OpinionReport(
                committee=county,
                holder=county,
                author_id=rng.choice(members),
                title=f"{year}年第{i}篇社情民意",
                content="情况、问题、建议。",
                submitted_at=timezone.make_aware(dt.datetime(year, 2, 1, 9)),
            )
            for i in range(500)
        ]
        OpinionReport.objects.bulk_create(reports)
        counts["opinions"] += len(reports)
        adoptions, instructions = [], []
        for r in reports:
            on = dt.date(year, rng.randrange(2, 12), 1)
            if rng.random() < 0.4:
                adoptions.append(OpinionAdoption(report=r, committee=county, level="county", date=on))
                if rng.random() < 0.25:
                    adoptions.append(OpinionAdoption(report=r, committee=city, level="city", date=on))
                if rng.random() < 0.1:
                    instructions.append(
                        OpinionInstruction(
                            report=r,
                            committee=county,
                            level=rng.choice(["county", "city"]),
                            leader="县长",
                            text="阅",
                            date=on,
                        )
                    )
        OpinionAdoption.objects.bulk_create(adoptions)
        OpinionInstruction.objects.bulk_create(instructions)
        ReadingLog.objects.bulk_create(
            [
                ReadingLog(
                    committee=county,
                    member_id=rng.choice(members),
                    kind="article",
                    title="文章",
                    date=dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 360)),
                )
                for _ in range(2000)
            ],
            batch_size=5000,
        )
        recorded = timezone.make_aware(dt.datetime(year, 5, 1, 9))
        GrassrootsRecord.objects.bulk_create(
            [
                GrassrootsRecord(
                    committee=county,
                    member_id=rng.choice(members),
                    citizen="群众",
                    demand="诉求",
                    recorded_at=recorded,
                    due_date=dt.date(year, 5, 16),
                    status="responded",
                    response="已回应",
                    responded_at=recorded + dt.timedelta(days=5),
                )
                for _ in range(200)
            ]
        )
    return county, counts


def hand_sql_totals(committee_id: int, year: int) -> dict[int, float]:
    """The same totals as luzhi.scoring.ledger.scores under the default rules, written by hand for this year."""
    from django.db import connection

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    since, until = dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)
    accepted = "('accepted', 'assigned', 'replied', 'closed')"

    def cap(expr: str, n: int) -> str:
        return f"CASE WHEN {expr} > {n} THEN {n} ELSE {expr} END"

    sql = f"""
    WITH att AS (
      SELECT t.member_id,
        SUM(CASE WHEN t.status = 'present' AND a.kind = 'plenary' THEN 5 * a.days
                 WHEN t.status = 'present' AND a.kind = 'standing_committee' THEN 3
                 WHEN t.status = 'absent' THEN -5 ELSE 0 END)
        + 3 * SUM(CASE WHEN t.speech THEN 1 ELSE 0 END) AS pts,
        SUM(CASE WHEN t.status = 'present' AND a.kind NOT IN ('plenary', 'standing_committee')
          THEN 2 ELSE 0 END) AS other,
        SUM(CASE WHEN t.status = 'present' AND a.kind IN ('research_visit', 'immersive_research')
          THEN a.days ELSE 0 END) AS research
      FROM activities_attendance t JOIN activities_activity a ON a.id = t.activity_id
      WHERE a.committee_id = %s AND a.start BETWEEN %s AND %s GROUP BY t.member_id),
    prop AS (
      SELECT member_id, SUM(pts) AS pts, SUM(key_pts) AS key_pts FROM (
        SELECT lead_id AS member_id, 10 AS pts, CASE WHEN is_key THEN 5 ELSE 0 END AS key_pts
        FROM proposals_proposal WHERE committee_id = %s AND year = %s AND status IN {accepted}
        UNION ALL
        SELECT c.member_id, 3, 0 FROM proposals_cosignature c JOIN proposals_proposal p ON p.id = c.proposal_id
        WHERE p.committee_id = %s AND p.year = %s AND p.status IN {accepted}
          AND c.confirmed_at IS NOT NULL AND c.member_id <> p.lead_id) x GROUP BY member_id),
    op AS (
      SELECT r.author_id AS member_id, SUM(CASE x.level WHEN 'county' THEN 3 WHEN 'city' THEN 5
        WHEN 'province' THEN 10 ELSE 20 END) AS pts
      FROM opinions_opinionadoption x JOIN opinions_opinionreport r ON r.id = x.report_id
      WHERE r.committee_id = %s AND x.date BETWEEN %s AND %s GROUP BY r.author_id
      UNION ALL
      SELECT r.author_id, SUM(CASE x.level WHEN 'county' THEN 5 WHEN 'city' THEN 8 WHEN 'province' THEN 12 ELSE 20 END)
      FROM opinions_opinioninstruction x JOIN opinions_opinionreport r ON r.id = x.report_id
      WHERE r.committee_id = %s AND x.date BETWEEN %s AND %s GROUP BY r.author_id),
    op2 AS (SELECT member_id, SUM(pts) AS pts FROM op GROUP BY member_id),
    rd AS (SELECT member_id, COUNT(*) * 0.5 AS pts FROM activities_readinglog
      WHERE committee_id = %s AND date BETWEEN %s AND %s GROUP BY member_id),
    gr AS (SELECT member_id, COUNT(*) AS n FROM opinions_grassrootsrecord
      WHERE committee_id = %s AND status = 'responded' AND responded_at >= %s AND responded_at < %s GROUP BY member_id),
    adj AS (SELECT member_id, SUM(points) AS pts FROM scoring_scoreadjustment
      WHERE committee_id = %s AND year = %s GROUP BY member_id)
    SELECT m.id,
      COALESCE(att.pts, 0) + {cap("COALESCE(att.other, 0)", 20)} + {cap("COALESCE(att.research, 0)", 15)}
      + {cap("COALESCE(prop.pts, 0)", 25)} + COALESCE(prop.key_pts, 0)
      + COALESCE(op2.pts, 0)
      + {cap("COALESCE(rd.pts, 0)", 10)} + {cap("COALESCE(gr.n, 0)", 10)} + COALESCE(adj.pts, 0)
    FROM org_member m
      LEFT JOIN att ON att.member_id = m.id LEFT JOIN prop ON prop.member_id = m.id
      LEFT JOIN op2 ON op2.member_id = m.id
      LEFT JOIN rd ON rd.member_id = m.id LEFT JOIN gr ON gr.member_id = m.id LEFT JOIN adj ON adj.member_id = m.id
    WHERE m.committee_id = %s AND m.status = 'active'
    """
    c = committee_id
    params = [c, first, last, c, year, c, year, c, first, last, c, first, last, c, first, last]
    params += [c, since, until, c, year, c]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {mid: round(float(total), 2) for mid, total in cursor.fetchall()}


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from django.core.management import call_command

    from luzhi.accounts.models import User
    from luzhi.core.roles import Role
    from luzhi.org.models import Committee
    from luzhi.scoring import ledger, rules
    from luzhi.scoring.models import ScoreRuleSet

    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    city = Committee.objects.get(name="示例市政协")
    started = time.perf_counter()
    county, counts = _build(city)
    print(f"scoring bench data: {counts} in {time.perf_counter() - started:.1f} s")
    ScoreRuleSet.objects.create(
        committee=county,
        year=YEAR,
        items=rules.DEFAULT_ITEMS,
        grades=rules.DEFAULT_GRADES,
        shared_caps=rules.DEFAULT_SHARED_CAPS,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    ours = {r["member"]: r["total"] for r in ledger.scores(committee_id=county.pk, year=YEAR)}
    hand = hand_sql_totals(county.pk, YEAR)
    assert ours == hand, "Luzhi's totals differ from the hand-written SQL"
    office = User.objects.create_user("bench_scoring_office", password="x", role=Role.OFFICE, committee=county)
    member = User.objects.create_user(
        "bench_scoring_member", password="x", role=Role.MEMBER, committee=county, member_id=min(ours)
    )
    office_client, member_client = Client(), Client()
    office_client.force_login(office)
    member_client.force_login(member)
    ours_ms, hand_ms = _interleaved(
        lambda: ledger.scores(committee_id=county.pk, year=YEAR), lambda: hand_sql_totals(county.pk, YEAR), 60
    )
    figures = {
        "scores of 300 members (ledger.scores, SQL)": ours_ms,
        "same totals, hand-written SQL": hand_ms,
        "warnings (scores + absences + output)": timed_call(
            lambda: ledger.warnings(committee_id=county.pk, year=YEAR), 10
        ),
        "API /api/v1/scores/?year=": timed(office_client, f"/api/v1/scores/?year={YEAR}", 20),
        "API member ledger": timed(office_client, f"/api/v1/members/{min(ours)}/ledger/?year={YEAR}", 20),
        "member page /scoring/mine/": timed(member_client, f"/scoring/mine/?year={YEAR}", 20),
        "home dashboard (office)": timed(office_client, f"/?year={YEAR}", 10),
    }
    ratio = figures["scores of 300 members (ledger.scores, SQL)"]["p50_ms"] / max(
        figures["same totals, hand-written SQL"]["p50_ms"], 0.01
    )
    print(f"scores p50 / hand SQL p50 = {ratio:.2f}")
    return figures
