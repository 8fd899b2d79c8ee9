"""Demo opinions: a county → city → province chain, pending and rejected reports, grassroots records."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.core import clock
from luzhi.opinions import services
from luzhi.opinions.models import GrassrootsRecord, OpinionReport
from luzhi.org.models import Committee, Member, Station

SEED = 20261125
# (title, content, fate): fate is how far up the chain the report went.
REPORTS: list[tuple[str, str, str]] = [
    (
        "关于解决山区村组饮水水压不足问题的建议",
        "我县部分山区村组地势较高，自来水水压不足，夏季用水高峰时经常断水，群众反映强烈。\n"
        "建议：一是对高位村组加装二次加压设施；二是将老旧管网改造纳入年度计划；三是明确村级管水员职责。",
        "province",
    ),
    (
        "关于加强农村留守老人助餐服务的建议",
        "农村留守老人吃饭难问题突出，现有幸福食堂运营资金不足，部分已停办。\n"
        "建议建立财政补贴、村集体支持、个人适当付费相结合的长效运营机制。",
        "city",
    ),
    (
        "关于规范校园周边交通秩序的建议",
        "县城几所学校上下学时段周边道路拥堵，接送车辆乱停乱放，存在安全隐患。\n"
        "建议设置临时停车区和护学岗，实行错峰放学。",
        "county",
    ),
    (
        "关于提升乡镇卫生院医疗服务能力的建议",
        "乡镇卫生院设备老化、全科医生不足，群众小病也往县城跑。\n建议推进县域医共体人员下沉，定期派驻专家坐诊。",
        "forwarded",
    ),
    (
        "关于在城区增设公共充电桩的建议",
        "新能源汽车保有量增长快，城区公共充电桩少、分布不均。\n建议在公共停车场和小区配建充电设施。",
        "rejected",
    ),
    (
        "关于农村生活垃圾收运处置的建议",
        "部分乡镇垃圾收运不及时，河道沟渠仍有垃圾堆放。\n建议完善“户分类、村收集、镇转运、县处理”体系。",
        "pending",
    ),
    (
        "关于扶持特色农产品电商销售的建议",
        "我县特色农产品品质好但销路窄，电商物流成本高。\n建议建设县级电商公共服务中心，整合快递进村。",
        "pending",
    ),
]
GRASSROOTS = [
    ("河湾村 马大爷", "村口的漫水桥一下雨就过不去，娃娃上学要绕五里路。", "responded", 40),
    ("东关社区 李大妈", "小区路灯坏了半年没人修，晚上出门害怕。", "responded", 25),
    ("石门乡 张某", "去年的草原补奖资金还没有到账。", "overdue", 22),
    ("柳湾镇 王某", "希望镇上的集市能规范管理，占道经营太多。", "overdue", 18),
    ("城关镇 赵某", "孩子入园难，公办幼儿园学位不够。", "open", 5),
    ("新集乡 刘大爷", "希望村卫生室能常驻一名医生。", "open", 2),
]


def demo_load(*, county: Committee) -> Counter:
    """Add the demo reports and grassroots records to the county, once."""
    created: Counter = Counter()
    if OpinionReport.objects.filter(committee=county).exists():
        return created
    city, province = county.parent, county.parent.parent if county.parent else None
    office = User.objects.filter(committee=county, role="office").order_by("id").first()
    city_office = User.objects.filter(username="city_office").first()
    province_office = User.objects.filter(username="province_office").first()
    demo_member = User.objects.filter(username="member").first()
    rng = random.Random(SEED)
    members = list(Member.objects.filter(committee=county, status=Member.Status.ACTIVE).order_by("id")[:80])
    if not members or office is None or city is None:
        return created
    authors = [demo_member.member if demo_member and demo_member.member else rng.choice(members)]
    authors += rng.sample([m for m in members if m != authors[0]], len(REPORTS) - 1)
    today = clock.today()
    for index, ((title, content, fate), author) in enumerate(zip(REPORTS, authors, strict=True)):
        report = services.opinion_submit(actor=office, committee=county, title=title, content=content, author=author)
        created["opinions.opinionreport"] += 1
        if fate == "rejected":
            services.opinion_reject(actor=office, report=report, reason="与本年度已采用信息内容重复。")
            continue
        if fate == "pending":
            continue
        if index == 0:
            # The office's edit keeps the author's original beside the printed text.
            services.opinion_edit(
                actor=office,
                report=report,
                title=title,
                content=content.replace("群众反映强烈。", "群众反映较为强烈。"),
            )
        if fate != "forwarded":
            services.opinion_adopt(actor=office, report=report, issue=f"{today.year}年第{index + 1}期")
            created["opinions.opinionadoption"] += 1
        if fate == "county":
            services.opinion_send(actor=office, report=report, recipient="县政府办公室")
            services.opinion_instruct(
                actor=office, report=report, level="county", leader="县长", text="请教育局、公安局交警大队研究落实。"
            )
            created["opinions.opinioninstruction"] += 1
            continue
        services.opinion_forward(actor=office, report=report)
        if fate == "forwarded" or city_office is None:
            continue
        services.opinion_adopt(actor=city_office, report=report, issue=f"{today.year}年第{index + 11}期")
        services.opinion_instruct(
            actor=city_office,
            report=report,
            level="city",
            leader="副市长 周某",
            text="请市水务局会同有关县区研究解决。",
        )
        created["opinions.opinionadoption"] += 1
        created["opinions.opinioninstruction"] += 1
        if fate == "province" and province is not None and province_office is not None:
            services.opinion_forward(actor=city_office, report=report)
            services.opinion_adopt(actor=province_office, report=report, issue=f"{today.year}年第{index + 21}期")
            created["opinions.opinionadoption"] += 1
    adopted = [r for r in OpinionReport.objects.filter(committee=county, adoptions__committee=county).order_by("id")]
    if adopted:
        services.bulletin_compose(
            actor=office, committee=county, year=today.year, number=1, reports=adopted, date=today
        )
        created["opinions.bulletin"] += 1
    stations = list(Station.objects.filter(committee=county).order_by("id"))
    now = timezone.now()
    for citizen, demand, state, days_ago in GRASSROOTS:
        record = services.grassroots_record_create(
            actor=office,
            committee=county,
            member=rng.choice(members),
            station=rng.choice(stations) if stations else None,
            citizen=citizen,
            demand=demand,
            recorded_at=now - timedelta(days=days_ago),
            follow_up="县政协办公室",
        )
        created["opinions.grassrootsrecord"] += 1
        if state == "responded":
            services.grassroots_respond(
                actor=office, record=record, text="已转交乡镇政府，相关问题已列入近期整改计划并答复群众。"
            )
            GrassrootsRecord.objects.filter(pk=record.pk).update(responded_at=record.recorded_at + timedelta(days=10))
    return created
