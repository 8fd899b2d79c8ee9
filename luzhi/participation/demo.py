"""Demo channels of the county: notices with read receipts, an open and a closed deliberation topic, self-reports
verified, returned and pending, guests on a few activities, and a library with the rules and a reading list."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

from django.db import transaction

from luzhi.accounts.models import User
from luzhi.activities.models import Activity
from luzhi.core import clock
from luzhi.core.audit import save_as
from luzhi.core.services import object_create
from luzhi.org.models import Committee, Member
from luzhi.participation import services
from luzhi.participation.models import ActivityGuest, Material, Notice, Post, Theme

SEED = 20261125

NOTICES = [
    (
        "briefing",
        "2026年前三季度全县经济运行情况通报",
        "前三季度，全县地区生产总值同比增长6.1%，规上工业增加值增长8.3%……",
    ),
    ("notice", "关于开展“书香政协”季度读书活动的通知", "请各位委员本季度至少精读一本荐读书目，并在平台记录读书心得。"),
    ("notice", "关于报送2027年度提案线索的通知", "请各位委员围绕县委中心工作，于12月20日前报送提案线索。"),
]
TOPIC_OPEN = (
    "如何推进县域居家和社区养老服务",
    "全县60岁以上人口占比已达21%，农村空巢老人照护压力大。请委员围绕设施、人才、资金建言。",
)
TOPIC_CLOSED = ("优化营商环境，助力民营经济发展", "围绕审批服务、要素保障、政企沟通等方面征集委员意见建议。")
SUGGESTIONS = [
    "在中心村建设互助幸福院，由村集体提供场地。",
    "设立养老护理员培训补贴，吸引本地妇女就业。",
    "推广“时间银行”互助养老模式。",
    "将日间照料中心运营纳入政府购买服务。",
    "推行“一窗受理、集成服务”，压缩企业开办时间。",
    "建立县级领导包抓重点企业制度，定期召开政企座谈会。",
    "设立中小微企业应急转贷资金。",
]
SELF_REPORTS = [
    ("visit", "城关镇东关社区", "走访社区困难家庭5户，收集饮水、供暖方面诉求3条。", "verified"),
    ("publicity", "新集乡文化站", "为乡村干部宣讲全国政协全会精神。", "verified"),
    ("charity", "柳湾镇中心小学", "参与“金秋助学”捐资助学活动。", "returned"),
    ("inspection", "石门乡高标准农田项目区", "自行察看高标准农田管护情况，形成书面建议。", "pending"),
    ("advice", "县政协委员工作室", "接待群众来访，就农村客运班线提出建议。", "pending"),
]
GUESTS = [
    ("王建国", "县人民政府", "leader", "副县长"),
    ("李红梅", "县发展和改革局", "department", "局长"),
    ("赵志强", "县民政局", "department", "副局长"),
    ("马秀兰", "城关镇东关社区", "citizen", "居民代表"),
]
LIBRARY = [
    ("charter", "中国人民政治协商会议章程", "全国政协", False),
    ("work_rules", "示例县政协委员履职工作规则", "示例县政协", False),
    ("assessment", "示例县政协委员履职量化考评办法", "示例县政协", False),
    ("study", "《习近平关于加强和改进人民政协工作的重要思想学习纲要》", "中央统战部 全国政协", True),
    ("study", "《中国共产党政治协商工作条例》", "中共中央", True),
    ("study", "《乡村振兴促进法》释义", "全国人大常委会法工委", False),
]


@transaction.atomic
def demo_load(*, county: Committee) -> Counter:
    """Add the county's notices, topics, self-reports, guests and library (once)."""
    created: Counter = Counter()
    if Notice.objects.filter(committee=county).exists():
        return created
    rng = random.Random(SEED)
    today = clock.today()
    office = User.objects.filter(committee=county, role="office").order_by("id").first()
    member_user = User.objects.filter(committee=county, username="member").first()
    members = list(Member.objects.filter(committee=county, status=Member.Status.ACTIVE).order_by("id"))
    member_users = {
        u.member_id: u for u in User.objects.filter(committee=county, member__isnull=False).select_related("member")
    }
    if office is None or not members:
        return created

    for kind, title, body in NOTICES:
        notice = services.notice_publish(actor=office, committee=county, kind=kind, title=title, body=body)
        created["participation.notice"] += 1
        receipts = list(notice.receipts.order_by("member_id"))
        created["participation.noticereceipt"] += len(receipts)
        for receipt in rng.sample(receipts, k=len(receipts) * 3 // 5):
            receipt.read_at = notice.published_at + timedelta(hours=rng.randint(1, 72))
            save_as(receipt, actor=member_users.get(receipt.member_id) or office)

    authors = [m for m in members if m.pk in member_users] + rng.sample(members, k=min(6, len(members)))
    for (title, background), closed in ((TOPIC_CLOSED, True), (TOPIC_OPEN, False)):
        topic = services.topic_open(
            actor=office,
            committee=county,
            data={"title": title, "background": background, "closes_on": today + timedelta(days=14)},
        )
        created["participation.topic"] += 1
        texts = SUGGESTIONS[4:] if closed else SUGGESTIONS[:4]
        posts = []
        for i, text in enumerate(texts):
            author = authors[i % len(authors)]
            post = Post(committee=county, topic=topic, author=author, text=text)
            save_as(post, actor=member_users.get(author.pk) or office)
            posts.append(post)
            created["participation.post"] += 1
        reply = Post(
            committee=county, topic=topic, author=authors[-1], parent=posts[0], text="赞同，建议先在两个乡镇试点。"
        )
        save_as(reply, actor=office)
        created["participation.post"] += 1
        if closed:
            theme = object_create(
                actor=office, model=Theme, data={"committee": county, "topic": topic, "name": "政务服务", "order": 1}
            )
            created["participation.theme"] += 1
            services.post_set_theme(actor=office, post=posts[0], theme=theme)
            services.post_hide(actor=office, post=reply, reason="与议题无关的重复内容")
            services.topic_close(actor=office, topic=topic)

    filer = member_user or next(iter(member_users.values()), None)
    if filer is not None:
        day = today - timedelta(days=2)
        for kind, place, content, fate in SELF_REPORTS:
            while services.attended_on(filer.member, day) is not None:
                day -= timedelta(days=1)
            report = services.self_report_file(actor=filer, kind=kind, date=day, place=place, content=content)
            created["participation.selfreport"] += 1
            if fate == "verified":
                services.self_report_verify(actor=office, report=report)
            elif fate == "returned":
                services.self_report_return(actor=office, report=report, reason="请补充活动照片等佐证材料。")
            day -= timedelta(days=rng.randint(5, 12))

    consultations = Activity.objects.filter(committee=county, kind__startswith="consultation").order_by("-start")[:3]
    for activity in consultations:
        for name, organisation, role, title in rng.sample(GUESTS, k=3):
            object_create(
                actor=office,
                model=ActivityGuest,
                data={
                    "committee": county,
                    "activity": activity,
                    "name": name,
                    "organisation": organisation,
                    "role": role,
                    "title": title,
                },
            )
            created["participation.activityguest"] += 1

    for kind, title, author, recommended in LIBRARY:
        object_create(
            actor=office,
            model=Material,
            data={
                "committee": county,
                "kind": kind,
                "title": title,
                "author": author,
                "summary": f"{title}，供委员学习参阅。",
                "recommended": recommended,
                "reading_kind": "book" if recommended else "article",
            },
        )
        created["participation.material"] += 1
    return created
