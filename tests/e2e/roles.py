"""One small committee in use, and each role's main pages: shared by the guide's screenshots
(test_guide_screenshots.py) and the phone checks (test_roles_phone.py).

`build()` writes a county (示例县政协, under a city under a province) with a member, a leader, an
office clerk, a handling unit and the city's office, and enough records for every main page to show
rows: proposals in several states (one assigned to the unit), an invitation, opinion reports (one
forwarded to the city), a plan item led by the leader, a research topic and grassroots records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from luzhi.core.roles import Role
from luzhi.notifications.services import notify
from luzhi.opinions.models import OpinionReport
from luzhi.opinions.services import opinion_forward, opinion_submit
from luzhi.org.models import Committee, Member
from luzhi.proposals.models import Proposal, ProposalUnit
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from tests import factories as f
from tests.ledger.factories import PlanFactory, PlanItemFactory
from tests.research.factories import ResearchTopicFactory
from tests.scoring import factories as sf

NAMES = ["张建国", "李秀英", "王志强", "刘海燕", "陈晓东", "杨丽华", "赵文博", "黄淑芬"]


@dataclass
class Scene:
    users: dict[str, Any] = field(default_factory=dict)  # guide slug → User
    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # slug → [(name, path)]
    phone_extra: dict[str, list[str]] = field(default_factory=dict)  # slug → more paths the phone checks open


def build() -> Scene:
    today = timezone.localdate()
    province = f.CommitteeFactory(name="示例省政协", level=Committee.Level.PROVINCE)
    city = f.CommitteeFactory(name="示例市政协", level=Committee.Level.CITY, parent=province)
    county = f.CommitteeFactory(name="示例县政协", level=Committee.Level.COUNTY, parent=city)
    ScoreRuleSet.objects.create(
        committee=county, year=today.year, items=rules.DEFAULT_ITEMS, grades=rules.DEFAULT_GRADES
    )
    sector = f.SectorFactory(committee=county, name="教育界")
    members = [f.MemberFactory(committee=county, name=name, sector=sector) for name in NAMES]
    chair = f.MemberFactory(committee=county, name="周振华", position=Member.Position.CHAIR)
    unit = f.UnitFactory(committee=county, name="县教育局")
    special = f.SpecialCommitteeFactory(committee=county, name="提案委员会")

    users = {
        "member": f.UserFactory(username="member", role=Role.MEMBER, committee=county, member=members[0]),
        "leader": f.UserFactory(username="leader", role=Role.LEADER, committee=county, member=chair),
        "office": f.UserFactory(username="office", role=Role.OFFICE, committee=county, first_name="县政协办公室"),
        "unit": f.UserFactory(username="unit", role=Role.UNIT, committee=county, unit=unit),
        "upper": f.UserFactory(username="city_office", role=Role.OFFICE, committee=city, first_name="市政协办公室"),
        # The three administrators (三员) share one guide; each has a bound second factor (tests.conftest.otp_code).
        "sysadmin": f.UserFactory(username="sysadmin", role=Role.SYSADMIN, committee=county),
        "secadmin": f.UserFactory(username="secadmin", role=Role.SECADMIN, committee=county),
        "auditor": f.UserFactory(username="auditor", role=Role.AUDITOR, committee=county),
    }
    for role in ("sysadmin", "secadmin", "auditor"):
        TOTPDevice.objects.create(user=users[role], name="手机", confirmed=True)

    titles = [
        ("关于加快城区学校扩容建设的建议", Proposal.Status.ASSIGNED),
        ("关于完善农村养老服务体系的建议", Proposal.Status.REPLIED),
        ("关于整治城区停车难问题的建议", Proposal.Status.SUBMITTED),
        ("关于推进县域医共体建设的建议", Proposal.Status.ACCEPTED),
        ("关于发展特色农业品牌的建议", Proposal.Status.DRAFT),
    ]
    proposals = []
    for i, (title, status) in enumerate(titles):
        p = Proposal.objects.create(
            committee=county,
            year=today.year,
            title=title,
            reason="群众反映强烈，亟待解决。",
            suggestions="建议有关部门研究解决。",
            lead=members[i % 3],
            status=status,
            submitted_at=timezone.now() if status != Proposal.Status.DRAFT else None,
            number=i + 1 if status not in (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED) else None,
        )
        proposals.append(p)
    assigned = proposals[0]
    assigned.assigned_at, assigned.due_date = today - dt.timedelta(days=10), today + dt.timedelta(days=80)
    assigned.save()
    ProposalUnit.objects.create(proposal=assigned, unit=unit, role=ProposalUnit.Role.LEAD)

    soon = today + dt.timedelta(days=3)
    act = sf.activity(county, "consultation_monthly", soon, title="关于城区停车难的月度协商会")
    for m in members[:5]:
        sf.attend(act, m, "invited")
    sf.attend(act, chair, "invited")

    with transaction.atomic():
        for author, title in [
            (0, "关于乡村学校校车安全的情况反映"),
            (1, "关于农村饮水安全的情况反映"),
            (2, "关于老旧小区加装电梯的建议"),
        ]:
            opinion_submit(
                actor=users["member"],
                committee=county,
                author=members[author],
                title=title,
                content="情况：群众反映集中。问题：标准不一、资金不足。建议：统筹规划，分步实施。",
            )
        forwarded = OpinionReport.objects.get(title="关于农村饮水安全的情况反映")
        opinion_forward(actor=users["office"], report=forwarded)
    sf.grassroots(members[0], responded=False, at=timezone.now())
    sf.grassroots(members[1], responded=True, at=timezone.now() - dt.timedelta(days=5))

    plan = PlanFactory(committee=county, year=today.year, title=f"{today.year}年度协商工作计划")
    item = PlanItemFactory(committee=county, plan=plan, title="城区学校扩容专题调研", lead=chair, responsible=special)
    PlanItemFactory(
        committee=county, plan=plan, title="农村养老服务协商议政", lead=chair, responsible=special, progress=40
    )
    topic = ResearchTopicFactory(
        committee=county, year=today.year, title="县域教育均衡发展调研", lead=chair, special_committee=special
    )

    with transaction.atomic():
        notify(users=[users["member"]], kind="invitation", title="邀请您参加月度协商会", key="roles-1")
        notify(
            users=[users["unit"]], kind="assignment", title="新交办提案：关于加快城区学校扩容建设的建议", key="roles-2"
        )

    pages = {
        "member": [
            ("home", "/"),
            ("proposal-new", "/proposals/new/"),
            ("proposals", "/proposals/"),
            ("my-activities", "/activities/mine/"),
            ("opinion-new", "/opinions/new/"),
            ("my-score", "/scoring/mine/"),
        ],
        "office": [
            ("home", "/"),
            ("members", "/org/members/"),
            ("proposals", "/proposals/"),
            ("activities", "/activities/"),
            ("opinion-queue", "/opinions/queue/"),
            ("ledger", "/ledger/"),
            ("scores", "/scoring/"),
        ],
        "leader": [
            ("home", "/"),
            ("ledger", "/ledger/"),
            ("research", "/research/"),
            ("proposals", "/proposals/"),
            ("scores", "/scoring/"),
        ],
        "unit": [
            ("home", "/"),
            ("proposals", "/proposals/"),
            ("proposal", f"/proposals/{assigned.pk}/"),
        ],
        "upper": [
            ("home", "/"),
            ("committee", "/org/"),
            ("opinion-queue", "/opinions/queue/"),
            ("opinions", "/opinions/"),
        ],
    }
    submitted = proposals[2]
    phone_extra = {
        "member": [f"/proposals/{assigned.pk}/", f"/activities/{act.pk}/", "/opinions/mine/", "/notifications/"],
        "office": [
            f"/org/members/{members[0].pk}/",
            f"/proposals/{submitted.pk}/",
            f"/activities/{act.pk}/",
            f"/opinions/{forwarded.pk}/",
            f"/ledger/items/{item.pk}/",
            "/activities/leave/",
            "/org/liaisons/",
            "/proposals/stats/",
            "/opinions/statistics/",
        ],
        "leader": ["/ledger/board/", f"/research/{topic.pk}/", f"/scoring/members/{members[0].pk}/"],
        "unit": ["/notifications/"],
        "upper": [f"/opinions/{forwarded.pk}/", "/org/members/"],
        "sysadmin": [
            "/",
            "/accounts/users/",
            f"/accounts/users/{users['member'].pk}/edit/",
            "/accounts/member-accounts/",
            "/accounts/sms/",
            "/org/",
        ],
        "secadmin": ["/", "/accounts/security/"],
        "auditor": ["/", "/accounts/audit/"],
    }
    return Scene(users=users, pages=pages, phone_extra=phone_extra)
