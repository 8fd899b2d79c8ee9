"""The exact totals of a hand-built committee-year, caps, ranks with ties, grades and recomputation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from luzhi.activities.models import Attendance
from luzhi.scoring import ledger, rules
from tests.scoring import factories as sf
from tests.scoring.conftest import YEAR

pytestmark = pytest.mark.django_db

EXPECTED = {"a": 119, "f": 25, "d": 15, "e": 15, "b": 2.5, "c": 0}


def _board(committee):
    return {row["member"]: row for row in ledger.scores(committee_id=committee.pk, year=YEAR)}


def test_each_total_is_exact_under_the_default_rules(committee, year):
    board = _board(committee)
    for key, total in EXPECTED.items():
        assert board[year.members[key].pk]["total"] == total, key


def test_ranks_share_ties_and_skip_after_them(committee, year):
    board = _board(committee)
    ranks = {k: board[year.members[k].pk]["rank"] for k in EXPECTED}
    assert ranks == {"a": 1, "f": 2, "d": 3, "e": 3, "b": 5, "c": 6}


def test_one_members_standing_reads_the_boards_total_grade_and_rank(committee, year, rule_set):
    board = _board(committee)
    for key in EXPECTED:
        member = year.members[key]
        standing = ledger.member_standing(member=member, year=YEAR, rule_set=rule_set)
        row = board[member.pk]
        assert (float(standing["total"]), standing["grade"], standing["rank"]) == (
            row["total"],
            row["grade"],
            row["rank"],
        ), key
        assert standing["count"] == len(board)
        assert ledger.member_total(member=member, year=YEAR, rule_set=rule_set) == (standing["total"], row["grade"])


def test_the_standing_shows_what_each_code_and_shared_cap_counted(committee, year, rule_set):
    standing = ledger.member_standing(member=year.members["a"], year=YEAR, rule_set=rule_set)
    by_code = {row["code"]: row for row in standing["summary"]}
    assert (by_code["attend_other"]["raw"], by_code["attend_other"]["counted"]) == (28, 20)  # capped at 20
    assert by_code["attend_other"]["cap"] == 20
    assert list(by_code) == [c for c in [*rules.CODES, rules.ADJUSTMENT] if c in by_code]  # in the rules' order
    [shared] = standing["shared"]
    assert (shared["raw"], shared["counted"]) == (29, 25)  # proposals: 20 + 9, capped together at 25
    counted = sum(r["counted"] for r in standing["summary"] if r["code"] not in ("proposal_lead", "proposal_cosign"))
    assert counted + shared["counted"] == standing["total"] == 119


def test_a_member_off_the_board_has_a_total_but_no_rank(committee, year, rule_set):
    from tests import factories as f

    gone = f.MemberFactory(committee=committee, status="exited")
    standing = ledger.member_standing(member=gone, year=YEAR, rule_set=rule_set)
    assert (standing["total"], standing["grade"], standing["rank"]) == (0, "unqualified", None)
    assert standing["shared"][0]["counted"] == 0 and standing["summary"] == []
    assert gone.pk not in _board(committee)


def test_the_ledger_lists_each_earning_event_with_its_source(committee, year):
    entries = ledger.member_ledger(member=year.members["a"], year=YEAR)
    by_code = {}
    for e in entries:
        by_code.setdefault(e.code, []).append(e)
    assert [e.points for e in by_code["attend_plenary"]] == [Decimal(15), Decimal(5)]
    assert len(by_code["attend_other"]) == 14 and sum(e.points for e in by_code["attend_other"]) == 28
    assert sorted(e.points for e in by_code["research_day"]) == [Decimal(8), Decimal(10)]
    assert len(by_code["proposal_lead"]) == 2 and len(by_code["proposal_cosign"]) == 3
    assert len(by_code["proposal_key"]) == 1
    assert {e.code for e in entries} >= {"opinion_adopted_county", "opinion_adopted_city", "instruction_city"}
    assert len(by_code["reading"]) == 25 and len(by_code["grassroots_responded"]) == 2
    speech = by_code["speech"][0]
    assert speech.source_type == "attendance" and speech.date == dt.date(2025, 1, 10)
    plenary = Attendance.objects.get(activity=year.p1, member=year.members["a"])
    assert by_code["attend_plenary"][0].source_id == plenary.pk
    # the 2024 plenary and proposal of c, and the merged proposal, earn nothing in 2025
    assert ledger.member_ledger(member=year.members["c"], year=YEAR) == []


def test_negative_points_and_a_cap_on_them(committee, year, rule_set):
    assert _board(committee)[year.members["b"].pk]["total"] == 2.5
    rule_set.items = [
        i if i["code"] != "absent" else {"code": "absent", "points": -5, "cap": 5} for i in rule_set.items
    ]
    rule_set.save()
    assert _board(committee)[year.members["b"].pk]["total"] == 7.5  # −10 bounded at −5


def test_a_code_left_out_of_the_rule_set_earns_nothing(committee, year, rule_set):
    rule_set.items = [i for i in rule_set.items if i["code"] != "reading"]
    rule_set.save()
    assert _board(committee)[year.members["a"].pk]["total"] == 109
    assert not [e for e in ledger.member_ledger(member=year.members["a"], year=YEAR) if e.code == "reading"]


def test_without_the_shared_cap_each_code_counts_alone(committee, year, rule_set):
    rule_set.shared_caps = []
    rule_set.save()
    board = _board(committee)
    assert board[year.members["a"].pk]["total"] == 123  # 20 + 9 instead of 25
    assert board[year.members["f"].pk]["total"] == 30


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ({"excellent": 90, "qualified": 60, "basic": 40}, {"a": "excellent", "f": "unqualified", "b": "unqualified"}),
        ({"excellent": 15, "qualified": 2.5, "basic": 1}, {"d": "excellent", "b": "qualified", "c": "unqualified"}),
        ({"excellent": 15.01, "qualified": 2.51, "basic": 2.5}, {"d": "qualified", "b": "basic", "c": "unqualified"}),
        ({"excellent": 120, "qualified": 119, "basic": 0}, {"a": "qualified", "c": "basic", "b": "basic"}),
    ],
)
def test_grade_lower_bounds_are_inclusive(committee, year, rule_set, grades, expected):
    rule_set.grades = grades
    rule_set.save()
    board = _board(committee)
    assert {k: board[year.members[k].pk]["grade"] for k in expected} == expected


def test_a_corrected_attendance_changes_the_total_at_once(committee, year):
    b = year.members["b"]
    row = Attendance.objects.get(activity=year.p1, member=b)
    row.status = "leave"
    row.save()
    assert _board(committee)[b.pk]["total"] == 7.5
    row.status = "present"
    row.save()
    assert _board(committee)[b.pk]["total"] == 22.5  # 3 days × 5 instead of −5


def test_an_added_adoption_and_instruction_count_at_their_level(committee, year):
    c = year.members["c"]
    rep = sf.report(c)
    sf.adopt(rep, committee.parent.parent)  # province 10
    sf.instruct(rep, "national")  # 20
    assert _board(committee)[c.pk]["total"] == 30


def test_grassroots_and_adoptions_count_in_the_year_they_happened(committee, year):
    c = year.members["c"]
    from django.utils import timezone

    sf.grassroots(c, True, at=timezone.make_aware(dt.datetime(2024, 12, 30, 9, 0)))  # answered 2025-01-02
    sf.grassroots(c, True, at=timezone.make_aware(dt.datetime(2025, 12, 30, 9, 0)))  # answered 2026-01-02
    sf.adopt(sf.report(c), committee, on=dt.date(2026, 1, 1))
    assert _board(committee)[c.pk]["total"] == 1


def test_members_of_another_committee_never_appear(committee, other_committee, year, rule_set):
    from tests import factories as f

    stranger = f.MemberFactory(committee=other_committee)
    sf.proposal(stranger)
    assert stranger.pk not in _board(committee)
