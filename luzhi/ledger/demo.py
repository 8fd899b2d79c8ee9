"""Demo ledger: the year's plan of 30 items (as in 民乐) with monthly progress, and monthly work plans."""

from __future__ import annotations

import calendar
import random
from collections import Counter
from datetime import date

from luzhi.accounts.models import User
from luzhi.core import clock
from luzhi.core.services import object_create
from luzhi.ledger.models import Plan, PlanItem
from luzhi.ledger.services import monthly_plan_save, plan_item_report_progress
from luzhi.org.models import Committee, Member, SpecialCommittee

# (title, kind, origin, special committee, deadline month, fate) — fate: done / on_track / overdue / stale
ITEMS: list[tuple[str, str, str, str, int, str]] = [
    ("全县乡村振兴产业发展专题协商", "consultation", "party", "农业农村委员会", 6, "done"),
    ("文旅融合发展专题调研", "research", "government", "文化文史和学习委员会", 9, "done"),
    ("居家和社区养老服务体系建设调研", "research", "party", "社会和法制委员会", 8, "done"),
    ("优化营商环境民主监督", "supervision", "party", "经济委员会", 10, "overdue"),
    ("义务教育优质均衡发展视察", "inspection", "government", "教科卫体委员会", 5, "done"),
    ("重点提案办理情况督办", "supervision", "cppcc", "提案委员会", 12, "on_track"),
    ("草原生态保护补奖政策落实情况监督", "supervision", "government", "人口资源环境委员会", 9, "overdue"),
    ("县域医共体建设情况调研", "research", "government", "教科卫体委员会", 12, "on_track"),
    ("民族团结进步示范创建对口协商", "consultation", "cppcc", "民族宗教委员会", 11, "overdue"),
    ("新能源产业发展专题议政", "consultation", "party", "经济委员会", 12, "stale"),
    ("农村人居环境整治提升视察", "inspection", "government", "人口资源环境委员会", 7, "done"),
    ("非物质文化遗产保护传承调研", "research", "cppcc", "文化文史和学习委员会", 12, "on_track"),
    ("“枫桥经验”基层社会治理调研", "research", "party", "社会和法制委员会", 12, "stale"),
    ("高标准农田建设与管护监督", "supervision", "government", "农业农村委员会", 12, "on_track"),
    ("职业教育与产业需求对接调研", "research", "cppcc", "教科卫体委员会", 12, "on_track"),
    ("牧区饮水安全工程运行情况视察", "inspection", "government", "农业农村委员会", 8, "done"),
    ("双月界别协商：中小微企业融资难", "consultation", "cppcc", "经济委员会", 6, "done"),
    ("提案办理协商会", "consultation", "cppcc", "提案委员会", 9, "done"),
    ("宗教活动场所安全管理视察", "inspection", "cppcc", "民族宗教委员会", 12, "on_track"),
    ("文史资料《政协四十年》征编", "other", "cppcc", "文化文史和学习委员会", 12, "stale"),
    ("法治政府建设情况民主监督", "supervision", "party", "社会和法制委员会", 10, "overdue"),
    ("全民健身设施建设情况调研", "research", "government", "教科卫体委员会", 12, "on_track"),
    ("特色农产品品牌建设专题协商", "consultation", "government", "农业农村委员会", 12, "on_track"),
    ("城区生活垃圾分类工作视察", "inspection", "government", "人口资源环境委员会", 12, "stale"),
    ("民营企业“双千”帮扶情况监督", "supervision", "cppcc", "经济委员会", 12, "on_track"),
    ("社情民意信息工作提质增效", "other", "cppcc", "提案委员会", 12, "on_track"),
    ("少数民族传统文化保护调研", "research", "cppcc", "民族宗教委员会", 12, "on_track"),
    ("“书香政协”读书活动", "other", "cppcc", "文化文史和学习委员会", 12, "done"),
    ("河湖长制落实情况民主监督", "supervision", "party", "人口资源环境委员会", 11, "overdue"),
    ("县域商业体系建设专题调研", "research", "government", "经济委员会", 12, "on_track"),
]
NOTES = [
    "已召开专题会议研究部署，完成前期资料收集。",
    "深入乡镇、部门开展走访座谈，掌握一手情况。",
    "形成初步意见建议，征求相关部门意见。",
    "按照进度表推进，阶段性任务已完成。",
    "报告（建议）已修改完善，提交主席会议审议。",
]
PROBLEMS = ["部门资料报送不及时", "部分委员工作繁忙，参与不足", "", "", ""]
MONTHLY_TASKS = [
    "召开专委会全体会议，研究本月工作",
    "组织委员开展专题调研走访",
    "督办重点提案办理进度",
    "收集整理社情民意信息",
    "筹备对口协商会议",
    "组织委员参加“书香政协”读书活动",
]


def _report_day(year: int, month: int, rng: random.Random, today: date) -> date:
    last = calendar.monthrange(year, month)[1]
    day = date(year, month, min(last, rng.randint(5, 25)))
    return min(day, today)


def demo_load(*, county: Committee) -> Counter:
    """Add this year's approved plan with 30 items, their monthly progress reports and monthly plans (once)."""
    created: Counter = Counter()
    today = clock.today()
    year = today.year
    if Plan.objects.filter(committee=county, year=year).exists():
        return created
    office = User.objects.filter(username="office", committee=county).first()
    specials = {s.name: s for s in SpecialCommittee.objects.filter(committee=county)}
    leaders = [
        m for m in Member.objects.filter(committee=county, status=Member.Status.ACTIVE).order_by("id") if m.is_leader
    ]
    if office is None or not specials or not leaders:
        return created
    rng = random.Random(2026_30)
    plan = object_create(
        actor=office,
        model=Plan,
        data={
            "committee": county,
            "year": year,
            "title": f"{year}年度协商工作计划暨重点工作任务清单",
            "approved_at": date(year, 2, 10),
            "approved_by": f"县委常委会{year}年第3次会议",
        },
    )
    created["ledger.plan"] += 1
    research = {t.title: t.pk for t in _topics(county, year)}
    for n, (title, kind, origin, special_name, due_month, fate) in enumerate(ITEMS):
        deadline = date(year, due_month, calendar.monthrange(year, due_month)[1])
        if fate == "overdue" and deadline >= today:
            deadline = date(year, max(1, today.month - 1), 15) if today.month > 1 else deadline
        if fate != "overdue" and fate != "done" and deadline < today:
            deadline = date(year, 12, 31)
        start_month = 3
        milestones = [
            {"title": "制定工作方案", "due": date(year, start_month, 31).isoformat()},
            {
                "title": "组织实施",
                "due": date(year, max(start_month + 1, (start_month + due_month) // 2), 28).isoformat(),
            },
            {"title": "形成成果并报送", "due": deadline.isoformat()},
        ]
        links = [{"type": "research_topic", "id": research[title]}] if title in research else []
        item = object_create(
            actor=office,
            model=PlanItem,
            data={
                "committee": county,
                "plan": plan,
                "kind": kind,
                "origin": origin,
                "title": title,
                "lead": leaders[n % len(leaders)],
                "responsible": specials.get(special_name) or next(iter(specials.values())),
                "deadline": deadline,
                "milestones": [m for m in milestones if m["due"] <= deadline.isoformat()],
                "links": links,
            },
        )
        created["ledger.planitem"] += 1
        created["ledger.progressreport"] += _reports(office, item, fate, today, rng)
    for month in {date(year, today.month, 1), date(year, max(1, today.month - 1), 1)}:
        for i, special in enumerate(specials.values()):
            if month.month == today.month and i == len(specials) - 1:
                continue  # one committee has not yet filed this month's plan
            monthly_plan_save(
                actor=office,
                committee=county,
                special_committee=special,
                month=month,
                tasks=rng.sample(MONTHLY_TASKS, 3),
            )
            created["ledger.monthlyplan"] += 1
    return created


def _topics(county: Committee, year: int) -> list:
    from luzhi.research.models import ResearchTopic

    return list(ResearchTopic.objects.filter(committee=county, year=year).only("id", "title"))


def _reports(office: User, item: PlanItem, fate: str, today: date, rng: random.Random) -> int:
    """Monthly reports from March on, rising towards the item's fate; stale items miss this month."""
    year = today.year
    last_month = min(today.month, item.deadline.month) if fate == "done" else today.month
    if fate == "stale":
        last_month = today.month - 1
    months = list(range(3, last_month + 1))
    if not months:
        return 0
    final = {
        "done": 100,
        "overdue": rng.randint(45, 85),
        "on_track": rng.randint(55, 90),
        "stale": rng.randint(30, 60),
    }[fate]
    count = 0
    for i, month in enumerate(months, start=1):
        progress = round(final * i / len(months))
        if fate == "done" and i < len(months):
            progress = min(progress, 95)
        plan_item_report_progress(
            actor=office,
            item=item,
            progress=progress,
            note=rng.choice(NOTES) if progress < 100 else "已全面完成，成果已报送党委、政府。",
            problems=rng.choice(PROBLEMS),
            today=_report_day(year, month, rng, today),
        )
        count += 1
    return count
