"""Demo research: 16 topics of the year at various steps (as in 肃北), with their visits and days."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

from luzhi.accounts.models import User
from luzhi.activities.models import Activity, Attendance
from luzhi.core.services import object_create
from luzhi.org.models import Committee, Member, SpecialCommittee
from luzhi.research.models import ResearchOutcome, ResearchTopic
from luzhi.research.services import research_outcome_update, research_topic_advance

YEAR = 2026
# (title, special committee, steps completed, outcomes: (problem, suggestion, solution))
TOPICS: list[tuple[str, str, int]] = [
    ("全县乡村振兴产业发展情况调研", "农业农村委员会", 8),
    ("文旅融合推动全域旅游高质量发展调研", "文化文史和学习委员会", 8),
    ("居家和社区养老服务体系建设调研", "社会和法制委员会", 8),
    ("县域义务教育优质均衡发展调研", "教科卫体委员会", 7),
    ("优化营商环境助推民营经济发展调研", "经济委员会", 7),
    ("草原生态保护补助奖励政策落实情况调研", "人口资源环境委员会", 6),
    ("牧区饮水安全工程运行管护调研", "农业农村委员会", 6),
    ("县域医共体建设情况调研", "教科卫体委员会", 5),
    ("民族团结进步示范创建工作调研", "民族宗教委员会", 5),
    ("提案办理质量提升情况调研", "提案委员会", 4),
    ("新能源产业发展与消纳调研", "经济委员会", 4),
    ("非物质文化遗产保护传承调研", "文化文史和学习委员会", 3),
    ("农村人居环境整治提升调研", "人口资源环境委员会", 2),
    ("基层社会治理“枫桥经验”实践调研", "社会和法制委员会", 2),
    ("高标准农田建设与管护调研", "农业农村委员会", 1),
    ("职业教育与本地产业需求对接调研", "教科卫体委员会", 0),
]
OUTCOMES = [
    ("专业人才短缺，基层服务力量薄弱", "加大人才引进和本地培养力度", "与职业院校合作定向培养，落实基层岗位津贴"),
    ("资金投入渠道单一，后续管护缺位", "建立多元投入和长效管护机制", "整合涉农资金，推行“以奖代补”并明确管护主体"),
    ("部门协同不够，政策落地“最后一公里”不畅", "建立联席会议和清单化推进机制", "由分管县领导牵头，每季度调度一次"),
    ("群众知晓率低，参与积极性不高", "加强政策宣传和示范引领", "利用委员工作站开展政策宣讲，评选示范户"),
]
PLACES = ["党城湾镇", "马鬃山镇", "石包城乡", "盐池湾乡", "鱼儿红牧场", "县城社区"]


def demo_load(*, county: Committee) -> Counter:
    """Add the year's research topics with their steps, visits, attendance and outcomes (once)."""
    created: Counter = Counter()
    if ResearchTopic.objects.filter(committee=county, year=YEAR).exists():
        return created
    rng = random.Random(2026_8)
    office = User.objects.filter(username="office", committee=county).first()
    specials = {s.name: s for s in SpecialCommittee.objects.filter(committee=county)}
    active = Member.objects.filter(committee=county, status=Member.Status.ACTIVE).order_by("id")
    leaders = [m for m in active if m.is_leader]
    by_committee: dict[int, list[Member]] = {}
    for m in active:
        if not m.is_leader and m.special_committee_id:
            by_committee.setdefault(m.special_committee_id, []).append(m)
    if office is None or not leaders or not specials:
        return created

    def activity(kind: str, title: str, start: date, days: int, special: SpecialCommittee, people: list[Member]):
        row = object_create(
            actor=office,
            model=Activity,
            data={
                "committee": county,
                "kind": kind,
                "title": title,
                "start": start,
                "end": start + timedelta(days=days - 1),
                "days": days,
                "location": rng.choice(PLACES),
                "special_committee": special,
            },
        )
        created["activities.activity"] += 1
        for member in people:
            object_create(
                actor=office,
                model=Attendance,
                data={"committee": county, "activity": row, "member": member, "status": Attendance.Status.PRESENT},
            )
            created["activities.attendance"] += 1
        return row

    for n, (title, special_name, done) in enumerate(TOPICS):
        special = specials.get(special_name) or next(iter(specials.values()))
        lead = leaders[n % len(leaders)]
        topic = object_create(
            actor=office,
            model=ResearchTopic,
            data={"committee": county, "year": YEAR, "title": title, "lead": lead, "special_committee": special},
        )
        created["research.researchtopic"] += 1
        pool = by_committee.get(special.pk, []) or [m for m in active if not m.is_leader]
        group = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
        day = date(YEAR, 2, 20) + timedelta(days=n * 3)
        short = title.removesuffix("调研").removesuffix("情况")
        for step in range(1, done + 1):
            day += timedelta(days=rng.randint(8, 20))
            body: dict = {"step": step}
            if step == 1:
                body["plan"] = f"将“{title}”列入{YEAR}年度调研计划，由{lead.name}同志牵头，{special.name}承办。"
            elif step == 2:
                body["plan_document"] = f"《关于开展{short}的调研方案》：明确调研目的、方法、时间安排和分工。"
            elif step == 3:
                body["group"] = {
                    "members": [m.pk for m in group],
                    "others": [
                        {"name": "王建华", "organisation": "县发展和改革局", "role": "部门代表"},
                        {"name": "李雪梅", "organisation": "市职业技术学院", "role": "特邀专家"},
                    ][: rng.randint(1, 2)],
                }
            elif step == 4:
                body["briefing"] = activity(
                    Activity.Kind.BRIEFING, f"{short}情况介绍会", day, 1, special, [lead, *group]
                ).pk
            elif step == 5:
                visits = []
                for v in range(rng.randint(1, 3)):
                    kind = Activity.Kind.IMMERSIVE_RESEARCH if v == 0 and n % 3 == 0 else Activity.Kind.RESEARCH_VISIT
                    days = rng.randint(2, 4) if kind == Activity.Kind.IMMERSIVE_RESEARCH else rng.randint(1, 2)
                    label = "沉浸式调研" if kind == Activity.Kind.IMMERSIVE_RESEARCH else "实地调研"
                    visits.append(
                        activity(kind, f"{short}{label}（第{v + 1}次）", day, days, special, [lead, *group]).pk
                    )
                    day += timedelta(days=days + rng.randint(3, 10))
                body["visits"] = visits
            elif step == 6:
                body["discussion"] = activity(
                    Activity.Kind.OTHER, f"{short}讨论研究会", day, 1, special, [lead, *group]
                ).pk
            elif step == 7:
                body["report"] = f"关于{short}的调研报告：全面梳理现状，剖析存在问题，提出对策建议。"
                body["outcomes"] = [
                    {"problem": p, "suggestion": s, "solution": x}
                    for p, s, x in rng.sample(OUTCOMES, rng.randint(2, 3))
                ]
            else:
                body["evaluation"] = "调研成果得到县委、县政府主要领导批示，相关建议已纳入部门年度工作并推动落实。"
            research_topic_advance(actor=office, topic=topic, data=body, today=day)
            if step == 7:
                created["research.researchoutcome"] += len(body["outcomes"])
                _decide(office, topic, n, keep_one_pending=done == 7)
    return created


def _decide(office: User, topic: ResearchTopic, n: int, *, keep_one_pending: bool) -> None:
    """Record the departments' feedback on a topic's outcomes (one left pending when the topic waits for it)."""
    decisions = ["adopted", "partly", "adopted", "not_adopted"]
    for i, outcome in enumerate(ResearchOutcome.objects.filter(topic=topic).order_by("id")):
        if keep_one_pending and i == 0:
            continue
        adoption = decisions[(i + n) % len(decisions)]
        research_outcome_update(
            actor=office,
            outcome=outcome,
            data={
                "adoption": adoption,
                "instruction": "县委书记批示：请相关部门认真研究吸纳。" if adoption == "adopted" else "",
                "implemented": adoption == "adopted" and i % 2 == 0,
            },
        )
