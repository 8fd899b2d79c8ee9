"""Demo activities for 示例县政协: all of 2025 and 2026 up to 25 November, with attendance, leave and reading.

The plan is drawn from one seeded Random and fixed dates, so two runs plan the same
records; rows that exist already (same kind, title and start) are left alone, so a
second run adds nothing. A few requirements are deliberately missed (a party-group
month, a group without activity, a leader short of 60 research days, weeks without
study) so that the cadence report shows red cells next to green ones. Ordinary members have
their own round (`_routine_plan`: group meetings, inspections and research trips of their special
committee) and everyone keeps a reading log, so most of them reach 合格 as in a real year.
Rows are written with bulk_create: thousands of attendance rows would take minutes
through the audited write path, and demo rows need no audit trail.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from luzhi.activities.models import (
    Activity,
    ActivityMaterial,
    AgendaItem,
    Attendance,
    Ballot,
    Decision,
    LeaveRequest,
    Minutes,
    ReadingLog,
    SeatingPlan,
    Vote,
    VoteTurnout,
)
from luzhi.activities.seating import assign_seats
from luzhi.core.periods import periods_of_year
from luzhi.org.models import Committee, Member, MemberGroup, SpecialCommittee

SEED = 20260302
TODAY = date(2026, 11, 25)
YEARS = (2025, 2026)
K = Activity.Kind
S = Attendance.Status
LAWS = [
    "宪法",
    "民法典",
    "乡村振兴促进法",
    "安全生产法",
    "生态环境保护法",
    "未成年人保护法",
    "反电信网络诈骗法",
    "食品安全法",
    "黄河保护法",
    "长江保护法",
    "妇女权益保障法",
    "统计法",
]
RESEARCH = [
    "高标准农田建设",
    "县域医共体",
    "黄河流域生态保护",
    "义务教育均衡",
    "文旅融合",
    "民营经济发展",
    "农村饮水安全",
    "养老服务体系",
    "中药材产业",
    "营商环境",
    "基层社会治理",
    "城乡供暖保障",
]
ARTICLES = ["《习近平谈治国理政》选读", "人民政协理论学习文章", "《人民政协报》评论", "协商民主专题文章"]
BOOKS = ["《乡土中国》", "《人民政协概论》", "《中国共产党简史》", "《平凡的世界》", "《县域治理》"]


def _plan(rng: random.Random, groups: list[MemberGroup], specials: list[SpecialCommittee]) -> list[dict[str, Any]]:
    """Every activity of the two years, as field dicts with an `invite` key naming who is invited."""
    acts: list[dict[str, Any]] = []

    def add(kind: str, title: str, start: date, days: int = 1, invite: str = "leaders", **extra: Any) -> None:
        if start <= TODAY or extra.pop("ahead", False):
            acts.append(
                {
                    "kind": kind,
                    "title": title,
                    "start": start,
                    "end": start + timedelta(days=days - 1),
                    "days": days,
                    "invite": invite,
                    **extra,
                }
            )

    for year in YEARS:
        add(K.PLENARY, f"政协{year}年全体委员会议", date(year, 1, 8), days=3, invite="all", location="县会议中心")
        for m in range(1, 13):
            if not (year == 2025 and m == 8):  # 2025年8月党组会议漏开 — a red cell
                add(
                    K.PARTY_GROUP,
                    f"{year}年{m}月党组会议",
                    date(year, m, 6 + rng.randint(0, 3)),
                    study=["first_topic", "law_of_month"],
                    title_law=LAWS[m - 1],
                    location="党组会议室",
                )
            add(K.CHAIR_MEETING, f"{year}年{m}月主席会议", date(year, m, 15 + rng.randint(0, 4)), location="三楼会议室")
        for q in range(1, 5):
            add(
                K.STANDING_COMMITTEE,
                f"{year}年第{q}季度常委会会议",
                date(year, q * 3 - 1, 22),
                invite="standing",
                days=1,
                study=["theory"],
                location="县会议中心",
            )
        add(K.CONSENSUS, f"{year}年上半年凝聚共识活动", date(year, 5, 20), invite="standing", location="凝聚共识示范点")
        if year == 2025:
            add(K.CONSENSUS, "2025年下半年凝聚共识活动", date(2025, 10, 16), invite="standing")
        for week in periods_of_year("week", year):
            if rng.random() < 0.88:
                add(
                    K.STUDY,
                    f"党组理论学习（{year}年第{week.index}周）",
                    week.start + timedelta(days=2),
                    study=["theory"],
                    invite="party",
                )
        for n, group in enumerate(groups):
            times = 0 if (year == 2025 and n == 4) else 1 + (n + year) % 2  # 第五小组2025年未开展活动
            for t in range(times):
                add(
                    K.GROUP_ACTIVITY,
                    f"{group.name}{year}年第{t + 1}次活动",
                    date(year, 4 + 4 * t, 10 + n),
                    invite=f"group:{group.pk}",
                    group=group,
                )
        for n, special in enumerate(specials):
            add(
                K.CONSULTATION_COUNTERPART,
                f"{special.name}{year}年对口协商",
                date(year, 6, 3 + n),
                invite=f"special:{special.pk}",
                special_committee=special,
            )
        for n, topic in enumerate(RESEARCH):
            start = date(year, 3 + (n % 8), 2 + 2 * n)
            add(
                K.RESEARCH_VISIT,
                f"{topic}专题调研",
                start,
                days=5 + (n % 4),
                invite=f"research:{n}",
                location=rng.choice(["城关镇", "柳湾镇", "红山镇", "新集乡"]),
            )
        for q in range(1, 5):
            add(
                K.IMMERSIVE_RESEARCH,
                f"{year}年第{q}季度沉浸式调研",
                date(year, q * 3 - 2, 25),
                days=2,
                invite=f"immersive:{q}",
            )
        for m in (2, 4, 6, 8, 10, 12):
            add(K.CONSULTATION_SECTOR, f"{year}年{m}月双月界别协商", date(year, m, 26), invite="standing")
    # A meeting still ahead, for leave requests and the calendar feed.
    add(K.CHAIR_MEETING, "2026年12月主席会议（扩大）", date(2026, 12, 3), invite="all_members_small", ahead=True)
    return acts


def _routine_plan(groups: list[MemberGroup], specials: list[SpecialCommittee]) -> list[dict[str, Any]]:
    """The ordinary members' round of the year: their group meets every other month, their special
    committee inspects twice a year and goes on a three-day research trip (专题调研) twice a year.
    Planned after the rest, so the rest keeps its draws and figures."""
    acts: list[dict[str, Any]] = []
    for year in YEARS:
        for n, group in enumerate(groups):
            if year == 2025 and n == 4:  # 第五小组2025年未开展活动 (a red cell of the cadence report)
                continue
            for month in (2, 6, 10):
                acts.append(
                    {
                        "kind": K.GROUP_ACTIVITY,
                        "title": f"{group.name}{year}年{month}月学习交流活动",
                        "start": date(year, month, 16 + n),
                        "end": date(year, month, 16 + n),
                        "days": 1,
                        "invite": f"group:{group.pk}",
                        "group": group,
                    }
                )
        for n, special in enumerate(specials):
            for month in (5, 9):
                acts.append(
                    {
                        "kind": K.INSPECTION,
                        "title": f"{special.name}{year}年{month}月专题视察",
                        "start": date(year, month, 12 + n),
                        "end": date(year, month, 12 + n),
                        "days": 1,
                        "invite": f"special:{special.pk}",
                        "special_committee": special,
                    }
                )
            for month in (4, 8):
                start = date(year, month, 20 + n)
                acts.append(
                    {
                        "kind": K.RESEARCH_VISIT,
                        "title": f"{special.name}{year}年{month}月专题调研",
                        "start": start,
                        "end": start + timedelta(days=2),
                        "days": 3,
                        "invite": f"special:{special.pk}",
                        "special_committee": special,
                        "location": ROUTINE_PLACES[(n + month) % len(ROUTINE_PLACES)],
                    }
                )
    return acts


ROUTINE_PLACES = ["城关镇", "柳湾镇", "红山镇", "新集乡", "石门乡", "东峪镇"]


def _invited(spec: dict[str, Any], people: dict[str, Any], rng: random.Random) -> list[Member]:
    who: str = spec["invite"]
    leaders, standing, active = people["leaders"], people["standing"], people["active"]
    if who == "leaders":
        return leaders
    if who == "all":
        return active
    if who == "standing":
        return standing
    if who == "party":
        return [m for m in leaders if m.party == "cpc"]
    if who.startswith("group:"):
        return [m for m in active if m.group_id == int(who[6:])]
    if who.startswith("special:"):
        return [m for m in active if m.special_committee_id == int(who[8:])]
    if who.startswith("research:"):
        # Every leader takes part in most research; the last leader in only a few (under 60 days a year).
        n = int(who[9:])
        team = [m for i, m in enumerate(leaders) if i < len(leaders) - 1 or n < 3]
        return team + rng.sample(standing, min(4, len(standing)))
    if who.startswith("immersive:"):
        q = int(who[10:])
        return [m for i, m in enumerate(leaders) if not (i == 1 and q == 3)]  # one leader misses Q3
    if who == "all_members_small":
        return leaders + people["demo_member"]
    return []


# Meetings have a time of day (会务); field trips, research and study stay all-day.
MEETING_KINDS = {
    "plenary",
    "standing_committee",
    "chair_meeting",
    "party_group",
    "office_party_group",
    "consultation_plenary",
    "consultation_standing",
    "consultation_counterpart",
    "consultation_sector",
    "consultation_monthly",
    "consultation_proposal",
    "briefing",
    "lecture",
}


def _timed(fields: dict[str, Any]) -> dict[str, Any]:
    """Morning meetings (09:00, or 15:00 for 党组) ending after two and a half hours; plenaries all day."""
    if fields["kind"] not in MEETING_KINDS:
        return fields
    hour = 15 if fields["kind"] in ("party_group", "office_party_group") else 9
    starts_at = timezone.make_aware(datetime.combine(fields["start"], time(hour, 0)))
    if fields["end"] > fields["start"] or fields["kind"] == "plenary":
        ends_at = timezone.make_aware(datetime.combine(fields["end"], time(17, 30)))
    else:
        ends_at = starts_at + timedelta(hours=2, minutes=30)
    return {**fields, "starts_at": starts_at, "ends_at": ends_at}


def _agenda(activity: Activity) -> list[tuple[str, str, int]]:
    """A meeting's agenda: 第一议题 first, then its business."""
    first = ("第一议题：学习习近平总书记最新重要讲话和重要指示批示精神", "党组书记", 30)
    business: dict[str, list[tuple[str, str, int]]] = {
        K.PARTY_GROUP: [("传达学习上级有关会议精神", "党组成员", 20), ("研究部署近期重点工作", "党组书记", 40)],
        K.OFFICE_PARTY_GROUP: [("研究机关党建工作", "机关党组书记", 30)],
        K.CHAIR_MEETING: [("研究常委会会议议程", "秘书长", 30), ("审议重点提案督办方案", "提案委", 30)],
        K.STANDING_COMMITTEE: [("专题协商议政", "各专委会", 60), ("审议有关人事事项", "秘书长", 20)],
    }
    if activity.title == FORGOT_FIRST_TOPIC:
        return business[activity.kind]  # straight to business: the 第一议题 rule shows it in red
    return [first, *business.get(activity.kind, [])]


def _papers_and_votes(
    county: Committee, activities: list[Activity], rows: list[Attendance], rng: random.Random
) -> Counter:
    """The latest standing committee meeting held: its papers (PDF) and two votes with their ballots."""
    created: Counter = Counter()
    held = [a for a in activities if a.kind == K.STANDING_COMMITTEE and a.end < TODAY and a.pk]
    if not held:
        return created
    meeting = max(held, key=lambda a: a.start)
    from django.core.files.base import ContentFile
    from weasyprint import HTML

    for title in ("会议议程", "关于2026年度重点提案督办情况的报告（征求意见稿）"):
        pdf = HTML(string=f'<meta charset="utf-8"><h1>{title}</h1><p>{meeting.title}</p>').write_pdf()
        material = ActivityMaterial(committee=county, activity=meeting, title=title, name=f"{title}.pdf", size=len(pdf))
        material.file.save(f"{title}.pdf", ContentFile(pdf), save=False)
        material.save()
        created["activities.ActivityMaterial"] += 1
    # The hall screen (大屏) of that meeting stopped on its last agenda item, below the votes' results.
    last = AgendaItem.objects.filter(activity=meeting).order_by("-order").first()
    Activity.objects.filter(pk=meeting.pk).update(current_item=last)
    present = [r.member_id for r in rows if r.activity_id == meeting.pk and r.status == S.PRESENT]
    everyone = [r.member_id for r in rows if r.activity_id == meeting.pk]
    closed = timezone.make_aware(datetime.combine(meeting.end, time(11, 0)))
    resolution = Vote.objects.create(
        committee=county,
        activity=meeting,
        title="关于通过《重点提案督办情况的报告》的决议",
        method=Vote.Method.NAMED,
        status=Vote.Status.CLOSED,
        opened_at=closed - timedelta(minutes=10),
        closed_at=closed,
    )
    election = Vote.objects.create(
        committee=county,
        activity=meeting,
        title="补选常务委员",
        kind=Vote.Kind.ELECTION,
        method=Vote.Method.SECRET,
        threshold=Vote.Threshold.MAJORITY_OF_ELECTORATE,
        options=[{"id": 1, "label": "候选人甲"}, {"id": 2, "label": "候选人乙"}],
        max_choices=1,
        status=Vote.Status.CLOSED,
        opened_at=closed - timedelta(minutes=20),
        closed_at=closed - timedelta(minutes=12),
    )
    for vote in (resolution, election):
        vote.electorate.set(everyone)
    VoteTurnout.objects.bulk_create([VoteTurnout(vote=v, member_id=m) for v in (resolution, election) for m in present])
    ballots = [
        Ballot(vote=resolution, member_id=m, choice=rng.choices(["yes", "no", "abstain"], [90, 3, 7])[0])
        for m in present
    ]
    ballots += [Ballot(vote=election, choices=[rng.choices([1, 2], [85, 15])[0]]) for _ in present]
    rng.shuffle(ballots)
    Ballot.objects.bulk_create(ballots)
    created["activities.Vote"] += 2
    created["activities.Ballot"] += len(ballots)
    return created


FORGOT_FIRST_TOPIC = "2025年5月党组会议"
MINUTES_TEXT = {
    K.STANDING_COMMITTEE: [
        "会议传达学习了习近平总书记最新重要讲话和重要指示批示精神，要求全体常委把学习成果转化为履职尽责的实际行动。",
        "会议听取了关于2026年度重点提案督办情况的报告，认为重点提案办理质量总体较好，部分提案的答复还停留在“正在研究”。",
        "会议以记名表决方式通过了《重点提案督办情况的报告》，以无记名投票方式补选了常务委员。",
        "会议要求各专委会对照议定事项抓好落实，办公室每月调度一次，年底向常委会报告。",
    ],
    K.CHAIR_MEETING: [
        "会议研究了下季度常委会会议的议程安排，确定以“营商环境”为专题协商议政。",
        "会议审议了重点提案督办方案，同意由主席会议成员分别领衔督办。",
    ],
}
DECISIONS_TEXT = {
    K.STANDING_COMMITTEE: [
        ("围绕优化营商环境开展专题调研，形成调研报告提交下次常委会会议", "经济委员会", date(2026, 12, 31)),
        ("对“正在研究”答复的重点提案逐件跟踪，年底前向提案者反馈", "提案委员会、各承办单位", date(2026, 12, 20)),
        ("修订《委员履职量化考评办法》，提交主席会议审议", "办公室", None),
    ],
    K.CHAIR_MEETING: [
        ("常委会会议以“营商环境”为专题协商议政，会前完成调研报告", "秘书长", None),
        ("重点提案由主席会议成员领衔督办，每季度通报进展", "提案委员会", date(2026, 12, 31)),
    ],
}


def _records(county: Committee, activities: list[Activity], rows: list[Attendance]) -> Counter:
    """Minutes and decisions of the latest standing committee and chair meetings; the plenary's seating chart."""
    created: Counter = Counter()
    for kind in (K.STANDING_COMMITTEE, K.CHAIR_MEETING):
        held = [a for a in activities if a.kind == kind and a.end < TODAY and a.pk]
        if not held:
            continue
        meeting = max(held, key=lambda a: a.start)
        published = timezone.make_aware(datetime.combine(meeting.end + timedelta(days=3), time(10, 0)))
        Minutes.objects.create(
            committee=county,
            activity=meeting,
            text="\n".join(MINUTES_TEXT[kind]),
            status=Minutes.Status.PUBLISHED,
            published_at=published,
        )
        bulk_create_with_history(  # with their first version, as every record has
            [
                Decision(committee=county, activity=meeting, order=n, text=text, responsible=who, due=due)
                for n, (text, who, due) in enumerate(DECISIONS_TEXT[kind], start=1)
            ],
            Decision,
        )
        created["activities.Minutes"] += 1
        created["activities.Decision"] += len(DECISIONS_TEXT[kind])
    plenaries = [a for a in activities if a.kind == K.PLENARY and a.start.year == TODAY.year and a.pk]
    if plenaries:
        plan = SeatingPlan.objects.create(
            committee=county, activity=plenaries[0], hall="县会议中心大礼堂", rows=12, seats_per_row=20, aisle_after=10
        )
        assign_seats(plan, SeatingPlan.By.SECTOR)
        plan.save()
        created["activities.SeatingPlan"] += 1
        created["activities.Seat"] += plan.seats.count()
    return created


@transaction.atomic
def demo_load(*, county: Committee) -> Counter:
    """Add the two demo years of activities, attendance, leave and reading to the county."""
    created: Counter = Counter()
    rng = random.Random(SEED)
    groups = list(MemberGroup.objects.filter(committee=county).order_by("id"))
    specials = list(SpecialCommittee.objects.filter(committee=county).order_by("id"))
    active = list(Member.objects.filter(committee=county, status=Member.Status.ACTIVE).order_by("id"))
    if not active:
        return created
    from luzhi.accounts.models import User

    demo_user = User.objects.filter(username="member", committee=county).select_related("member").first()
    demo_member = [demo_user.member] if demo_user and demo_user.member else []
    people = {
        "active": active,
        "leaders": [m for m in active if m.is_leader],
        "standing": [m for m in active if m.is_standing],
        "demo_member": demo_member,
    }
    have = set(Activity.objects.filter(committee=county).values_list("kind", "title", "start"))
    plan = _plan(rng, groups, specials)
    routine = _routine_plan(groups, specials)
    plan += routine
    new: list[tuple[Activity, list[Member]]] = []
    for spec in plan:
        invited = list({m.pk: m for m in _invited(spec, people, rng)}.values())
        if (spec["kind"], spec["title"], spec["start"]) in have:
            continue
        law = spec.pop("title_law", None)
        fields = {k: v for k, v in spec.items() if k != "invite"}
        if law:
            fields["location"] = f"党组会议室（学法：{law}）"
        new.append((Activity(committee=county, **_timed(fields)), invited))
    if not new:
        return created
    Activity.objects.bulk_create([a for a, _ in new])
    created["activities.Activity"] += len(new)
    agenda = [
        AgendaItem(
            committee=county,
            activity=a,
            order=n,
            title=title,
            presenter=who,
            minutes=minutes,
            first_topic=title.startswith("第一议题"),
        )
        for a, _ in new
        if a.kind in (K.PARTY_GROUP, K.OFFICE_PARTY_GROUP, K.CHAIR_MEETING, K.STANDING_COMMITTEE) and a.pk
        for n, (title, who, minutes) in enumerate(_agenda(a), start=1)
    ]
    AgendaItem.objects.bulk_create(agenda)
    created["activities.AgendaItem"] += len(agenda)

    rows: list[Attendance] = []
    leaves: list[LeaveRequest] = []
    routine_titles = {spec["title"] for spec in routine}
    routine_rng = random.Random(SEED + 1)  # the routine round's own draws: the rest keeps its figures
    for activity, invited in new:
        draw = routine_rng if activity.title in routine_titles else rng
        over = activity.end < TODAY
        for member in invited:
            status = S.INVITED
            if over:
                roll = draw.random()
                if member.is_leader and activity.kind in Activity.RESEARCH_KINDS:
                    roll /= 3  # leaders seldom miss their own research
                # The routine round is missed mostly with leave asked (请假), seldom without.
                present, leave, absent = (0.88, 0.975, 0.99) if draw is routine_rng else (0.86, 0.93, 0.98)
                status = (
                    S.PRESENT
                    if roll < present
                    else S.LEAVE
                    if roll < leave
                    else S.ABSENT
                    if roll < absent
                    else S.OBSERVER
                )
            rows.append(
                Attendance(
                    committee=county,
                    activity=activity,
                    member=member,
                    status=status,
                    speech=activity.kind == K.PLENARY and status == S.PRESENT and draw.random() < 0.05,
                )
            )
            if status == S.LEAVE:
                leaves.append(
                    LeaveRequest(
                        committee=county,
                        activity=activity,
                        member=member,
                        reason=draw.choice(["外出学习培训", "单位有紧急工作", "身体不适", "出差在外"]),
                        status=LeaveRequest.Status.APPROVED,
                        decided_at=None,
                        note="同意",
                    )
                )
    Attendance.objects.bulk_create(rows)
    LeaveRequest.objects.bulk_create(leaves)
    created += _papers_and_votes(county, [a for a, _ in new], rows, rng)
    created += _records(county, [a for a, _ in new], rows)
    created["activities.Attendance"] += len(rows)
    created["activities.LeaveRequest"] += len(leaves)

    logs: list[ReadingLog] = []

    def read(member: Member, diligence: float, rng: random.Random) -> None:
        for year in YEARS:
            for week in periods_of_year("week", year):
                day = week.start + timedelta(days=rng.randint(0, 6))
                if day < TODAY and rng.random() < diligence:
                    logs.append(
                        ReadingLog(
                            committee=county,
                            member=member,
                            kind=ReadingLog.Kind.ARTICLE,
                            title=rng.choice(ARTICLES),
                            date=day,
                        )
                    )
            for month in periods_of_year("month", year):
                if month.start < TODAY and rng.random() < diligence:
                    logs.append(
                        ReadingLog(
                            committee=county,
                            member=member,
                            kind=ReadingLog.Kind.TALK,
                            title=f"{month.label}学习交流发言",
                            date=month.start + timedelta(days=19),
                        )
                    )
            for quarter in periods_of_year("quarter", year):
                if quarter.start < TODAY and rng.random() < diligence:
                    logs.append(
                        ReadingLog(
                            committee=county,
                            member=member,
                            kind=ReadingLog.Kind.BOOK,
                            title=rng.choice(BOOKS),
                            date=quarter.start + timedelta(days=40),
                        )
                    )
            if year == 2025 and rng.random() < diligence:
                logs.append(
                    ReadingLog(
                        committee=county,
                        member=member,
                        kind=ReadingLog.Kind.ESSAY,
                        title="履职心得体会",
                        date=date(2025, 12, 10),
                    )
                )

    readers = [*demo_member] + rng.sample(active, min(60, len(active)))
    seen: set[int] = set()
    for member in readers:
        if member.pk in seen:
            continue
        seen.add(member.pk)
        read(member, 0.95 if member in demo_member else rng.uniform(0.4, 0.95), rng)
    # Everyone else keeps a lighter log (周学一文 most weeks); drawn from a random of its own,
    # so the diligent readers above keep their figures.
    light = random.Random(SEED + 2)
    for member in active:
        if member.pk not in seen:
            read(member, light.uniform(0.3, 0.6), light)
    ReadingLog.objects.bulk_create(logs)
    created["activities.ReadingLog"] += len(logs)
    return created
