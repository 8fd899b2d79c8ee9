"""Synthetic province-scale data for load tests (issue 8): `manage.py generate_scale`.

A province of committees (1 province, 14 city, 85 county for 100), each with 150–600
members and Y years of activities, attendance, proposals (with units, replies and ratings),
opinion reports, research topics, ledger plans and reading logs at the rates of DESIGN.md §4,
plus four logins per committee (office, leader, member, unit) with one known password.

Deterministic: committee i draws from its own `random.Random(seed * 1_000_003 + i)`, so the
same arguments give the same rows. Fast: rows are planned as tuples with ids given here and
written per table in large batches — COPY on PostgreSQL, executemany elsewhere — with no
model saves, signals or history rows (except the committees themselves, whose save() keeps
the tree path and installs the cadence rules).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from luzhi.accounts.models import User
from luzhi.activities.models import Activity, Attendance, ReadingLog
from luzhi.core import clock
from luzhi.core.roles import Role
from luzhi.ledger.models import Plan, PlanItem, ProgressReport
from luzhi.opinions.models import OpinionAdoption, OpinionEvent, OpinionHolding, OpinionReport
from luzhi.org.models import Committee, Member, MemberGroup, Sector, SpecialCommittee, Station, Term, Unit
from luzhi.proposals.models import Cosignature, Evaluation, Proposal, ProposalCounter, ProposalUnit, Reply
from luzhi.research.models import ResearchOutcome, ResearchTopic
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet

PASSWORD = "Luzhi#2026scale"
PROVINCE_NAME = "规模测试省政协"
SHARE_CITIES = 14 / 99  # of the committees below the province

CITIES = tuple(
    "青山临河云岭东陵南川西塘北原长宁安平福源金台玉泉白沙清溪枫林石门桂阳松江凤城龙湾"[i : i + 2]
    for i in range(0, 40, 2)
)
COUNTY_SUFFIX = "县"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国文辉力永健世广志义兴良海山仁波宁贵福生龙元"
    "全胜学祥才发成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆民友裕河哲江浩亮"
    "政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
)
SECTORS = (
    "中国共产党",
    "民革",
    "民盟",
    "民建",
    "民进",
    "农工党",
    "致公党",
    "九三学社",
    "无党派人士",
    "共青团",
    "工会",
    "妇联",
    "科技界",
    "经济界",
    "农业界",
    "教育界",
    "文化艺术界",
    "医药卫生界",
    "社会福利和社会保障界",
    "少数民族界",
    "宗教界",
    "特邀人士",
)
SPECIALS = (
    "提案委员会",
    "经济委员会",
    "农业和农村委员会",
    "人口资源环境委员会",
    "教科卫体委员会",
    "社会和法制委员会",
    "文化文史和学习委员会",
    "民族宗教委员会",
    "港澳台侨和外事委员会",
)
UNITS = (
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "应急管理局",
    "市场监督管理局",
    "医疗保障局",
    "城市管理局",
    "乡村振兴局",
    "公安局",
    "统计局",
    "信访局",
    "供电公司",
    "自来水公司",
    "人民医院",
    "融媒体中心",
    "数据资源局",
)
PARTIES = ("cpc", "cpc", "cpc", "none", "non_party", "none", "rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan")
TOPICS = (
    "乡村振兴",
    "义务教育均衡发展",
    "基层医疗服务",
    "养老服务体系",
    "营商环境",
    "河湖长制落实",
    "老旧小区改造",
    "农村饮水安全",
    "文旅融合发展",
    "中小企业融资",
    "职业教育",
    "生活垃圾分类",
    "县域商业体系",
    "数字政府建设",
    "耕地保护",
    "就业创业",
    "食品安全监管",
    "非遗保护传承",
    "公共交通",
    "新能源产业",
)
PHRASES = ("关于加强", "关于推进", "关于完善", "关于进一步做好", "关于促进", "关于解决")
READING_TITLES = ("学习《政协章程》体会", "读《乡土中国》", "每月一法：民法典", "新发展理念学习", "协商民主理论学习")

# Kinds of the ~200 activities a county holds a year, with their yearly counts (the rest are drawn).
FIXED_KINDS = {"plenary": 1, "standing_committee": 6, "chair_meeting": 12, "party_group": 12, "briefing": 4}
DRAWN_KINDS = {
    "consultation_counterpart": 8,
    "consultation_sector": 6,
    "consultation_monthly": 12,
    "consultation_grassroots": 20,
    "consultation_proposal": 6,
    "inspection": 10,
    "research_visit": 15,
    "immersive_research": 4,
    "study": 24,
    "lecture": 6,
    "training": 4,
    "consensus": 8,
    "group_activity": 40,
    "station_activity": 30,
    "other": 5,
}
STUDY_KINDS = ("study", "party_group", "chair_meeting", "standing_committee")

# (members, activities a year, proposals a year, opinion reports a year) by level; DESIGN.md §4 for counties.
LEVEL_SIZES = {
    "province": ((450, 600), 280, (300, 450), (300, 400)),
    "city": ((300, 450), 240, (200, 350), (250, 350)),
    "county": ((150, 300), 200, (100, 300), (150, 300)),
}
READINGS_PER_MEMBER_YEAR = 8  # 季读一书 (4), a few 周学一文 and 月讲一题, 年撰一稿 for some
RESEARCH_TOPICS_PER_YEAR = 4
PLAN_ITEMS_PER_YEAR = 20


def layout(n: int) -> list[tuple[str, int | None]]:
    """The committee tree for n committees: (level, index of parent) in creation order."""
    if n < 1:
        raise ValueError("至少生成1个政协。")
    tree: list[tuple[str, int | None]] = [("province", None)]
    below = n - 1
    cities = min(below, max(1, round(below * SHARE_CITIES))) if below else 0
    tree += [("city", 0)] * cities
    for i in range(below - cities):
        tree.append(("county", 1 + i % cities))
    return tree


@dataclass
class Ids:
    """The next free primary key per table: rows get their ids here, so children can point at them."""

    next: dict[type[models.Model], int] = field(default_factory=dict)

    def take(self, model: type[models.Model], n: int = 1) -> int:
        if model not in self.next:
            top = model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self.next[model] = top + 1
        first = self.next[model]
        self.next[model] += n
        return first


class Sink:
    """Buffers planned rows per table and writes them in batches: COPY on PostgreSQL."""

    BATCH = 100_000

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[tuple]] = {}
        self.columns: dict[type[models.Model], tuple[list[Any], tuple]] = {}
        self.counts: dict[str, int] = {}
        self.postgres = connection.vendor == "postgresql"

    def declare(self, model: type[models.Model], given: list[str]) -> None:
        """Rows of model are tuples of the `given` fields; every other column takes its default."""
        fields = {f.name: f for f in model._meta.concrete_fields}
        rest = [f for name, f in fields.items() if name not in given and not (f.primary_key and name in given)]
        now = timezone.now()
        constants = tuple(_default(f, now) for f in rest)
        columns = [fields[name].column for name in given] + [f.column for f in rest]
        self.columns[model] = (columns, constants)
        self.rows.setdefault(model, [])

    def add(self, model: type[models.Model], row: tuple) -> None:
        rows = self.rows[model]
        rows.append(row)
        if len(rows) >= self.BATCH:
            self.flush(model)

    def flush(self, model: type[models.Model] | None = None) -> None:
        for m in [model] if model else list(self.rows):
            rows = self.rows[m]
            if rows:
                self._write(m, rows)
                key = m._meta.label_lower
                self.counts[key] = self.counts.get(key, 0) + len(rows)
                self.rows[m] = []

    def _write(self, model: type[models.Model], rows: list[tuple]) -> None:
        columns, constants = self.columns[model]
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        if self.postgres:
            raw = connection.connection  # the psycopg connection inside Django's transaction
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + constants)
        else:
            marks = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",
                    [tuple(_plain(v) for v in row + constants) for row in rows],
                )


def _default(f: models.Field, now: datetime) -> Any:
    if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
        return now
    if f.has_default():
        value = f.get_default()
    elif f.null:
        return None
    else:
        value = f.get_default()
    if isinstance(f, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return value


def _plain(value: Any) -> Any:
    """Values for SQLite's executemany (dates and datetimes as Django stores them)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _aware(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Generated:
    committees: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def generate(
    *,
    committees: int,
    years: int,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> Generated:
    """Create the province; raise ValueError if a scale province is already there."""
    if Committee.objects.filter(name=PROVINCE_NAME, parent=None).exists():
        raise ValueError(f"数据库中已有“{PROVINCE_NAME}”：请换一个空数据库再生成。")
    if years < 1 or years > 30:
        raise ValueError("年数应在1至30之间。")
    today = today or clock.today()
    year_list = list(range(today.year - years + 1, today.year + 1))
    started = time.monotonic()
    result = Generated()
    password = make_password(PASSWORD)
    tree = layout(committees)
    made: list[Committee] = []
    ids = Ids()
    for index, (level, parent) in enumerate(tree):
        rng = random.Random(seed * 1_000_003 + index)
        with transaction.atomic():
            _fast_load()
            committee = _committee(index, level, made[parent] if parent is not None else None, tree)
            made.append(committee)
            sink = Sink()
            plan = CommitteePlan(rng, committee, year_list, today, ids, sink, password)
            plan.build()
            sink.flush()
        for key, n in sink.counts.items():
            result.counts[key] = result.counts.get(key, 0) + n
        result.committees += 1
        elapsed = time.monotonic() - started
        made_here = sink.counts.get
        progress(
            f"[{index + 1}/{len(tree)}] {committee.name}: {plan.member_count} 名委员，"
            f"{made_here('activities.activity', 0)} 次活动，{made_here('activities.attendance', 0)} 条出席，"
            f"{made_here('proposals.proposal', 0)} 件提案 — 累计 {elapsed:.0f} 秒"
        )
    _reset_sequences(list(ids.next))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in ids.next:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result.seconds = time.monotonic() - started
    return result


def _fast_load() -> None:
    """On PostgreSQL: no per-row foreign-key triggers (the rows are valid by construction; checking
    millions of deferred constraints at commit would take longer than writing them) and no wait for
    the disk at commit. Both last only for the current transaction; the first needs a superuser."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _reset_sequences(tables: Iterable[type[models.Model]]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the highest id written
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(_NoStyle(), list(tables)):  # type: ignore[arg-type]  # plain SQL
            cursor.execute(sql)


class _NoStyle:
    def __getattr__(self, name: str) -> Callable[[str], str]:
        return lambda text: text


def _committee(index: int, level: str, parent: Committee | None, tree: list) -> Committee:
    if level == "province":
        name = PROVINCE_NAME
    elif level == "city":
        name = f"{CITIES[(index - 1) % len(CITIES)]}{'' if index <= len(CITIES) else index}市政协"
    else:
        siblings = [i for i, (lv, p) in enumerate(tree) if lv == "county" and p == tree[index][1]]
        assert parent is not None  # a county has its city
        name = f"{parent.name.removesuffix('市政协')}第{siblings.index(index) + 1}{COUNTY_SUFFIX}政协"
    code = f"{99 if level == 'province' else 98}{index:04d}"
    # save(): the tree path, and the seed cadence rules every new committee gets (activities' signal).
    return Committee.objects.create(name=name, level=level, parent=parent, region_code=code)


class CommitteePlan:
    """Plans and writes one committee's rows."""

    def __init__(
        self,
        rng: random.Random,
        committee: Committee,
        years: list[int],
        today: date,
        ids: Ids,
        sink: Sink,
        password: str,
    ) -> None:
        self.rng, self.c, self.years, self.today, self.ids, self.sink = rng, committee, years, today, ids, sink
        self.password = password
        self.cid = committee.pk
        self.sizes = LEVEL_SIZES[committee.level]
        self.member_count = 0

    # -- helpers -------------------------------------------------------------------------
    def _named(self, model: type[models.Model], names: Iterable[str], extra: Callable[[int], tuple] | None = None):
        names = list(names)
        first = self.ids.take(model, len(names))
        given = ["id", "committee", "name"] + (["kind", "location"] if extra else [])
        self.sink.declare(model, given)
        for i, name in enumerate(names):
            self.sink.add(model, (first + i, self.cid, name, *(extra(i) if extra else ())))
        self.sink.flush(model)
        return list(range(first, first + len(names)))

    def _day(self, year: int) -> date:
        start = date(year, 1, 1)
        return start + timedelta(days=self.rng.randrange(366 if year % 4 == 0 else 365))

    def _name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def _title(self) -> str:
        rng = self.rng
        return f"{rng.choice(PHRASES)}{rng.choice(TOPICS)}工作的建议"

    # -- the committee -------------------------------------------------------------------
    def build(self) -> None:
        rng = self.rng
        first, last = self.years[0], self.years[-1]
        self.sink.declare(Term, ["id", "committee", "number", "start", "end"])
        term_number = 10 + (last - 2000) // 5
        self.term_id = self.ids.take(Term)
        self.sink.add(Term, (self.term_id, self.cid, term_number, date(last - 2, 1, 1), date(last + 3, 1, 1)))
        self.sink.flush(Term)
        self.sectors = self._named(Sector, SECTORS[: rng.randint(14, len(SECTORS))])
        self.specials = self._named(SpecialCommittee, SPECIALS[: rng.randint(6, len(SPECIALS))])
        self.groups = self._named(MemberGroup, [f"第{i + 1}委员小组" for i in range(rng.randint(6, 12))])
        self.units = self._named(Unit, UNITS[: rng.randint(20, len(UNITS))])
        kinds = ("workstation", "council_room", "studio")
        self.stations = self._named(
            Station,
            [f"{self.c.name.removesuffix('政协')}第{i + 1}委员工作站" for i in range(6)],
            lambda i: (kinds[i % 3], f"第{i + 1}街道"),
        )
        self._members()
        self._users()
        for year in self.years:
            self._activities(year)
            self._readings(year)
            self._proposals(year)
            self._opinions(year)
            self._research(year)
            self._ledger(year)
        self._rule_sets(first, last)

    def _members(self) -> None:
        rng = self.rng
        low, high = self.sizes[0]
        n = rng.randint(low, high)
        self.member_count = n
        first = self.ids.take(Member, n)
        self.sink.declare(
            Member,
            [
                "id",
                "committee",
                "name",
                "gender",
                "birth_date",
                "party",
                "position",
                "sector",
                "special_committee",
                "group",
                "term",
                "workplace",
                "phone",
                "status",
            ],
        )
        seen: set[tuple[str, date]] = set()
        positions = ["chair"] + ["vice_chair"] * 5 + ["secretary_general"] + ["standing"] * max(8, n // 8)
        self.leaders: list[int] = []
        self.standing: list[int] = []
        self.active: list[int] = []
        for i in range(n):
            while True:
                name, born = self._name(), date(1960, 1, 1) + timedelta(days=rng.randrange(35 * 365))
                if (name, born) not in seen:
                    seen.add((name, born))
                    break
            position = positions[i] if i < len(positions) else "member"
            status = "active" if i < len(positions) or rng.random() > 0.03 else rng.choice(("resigned", "exited"))
            pk = first + i
            if position in ("chair", "vice_chair", "secretary_general"):
                self.leaders.append(pk)
            if position != "member":
                self.standing.append(pk)
            if status == "active":
                self.active.append(pk)
            self.sink.add(
                Member,
                (
                    pk,
                    self.cid,
                    name,
                    "F" if rng.random() < 0.3 else "M",
                    born,
                    rng.choice(PARTIES),
                    position,
                    rng.choice(self.sectors),
                    rng.choice(self.specials) if rng.random() < 0.8 else None,
                    rng.choice(self.groups),
                    self.term_id,
                    f"{rng.choice(UNITS)}干部",
                    f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                    status,
                ),
            )
        self.members = list(range(first, first + n))
        self.sink.flush(Member)

    def _users(self) -> None:
        idx = self.c.region_code[-4:]
        standing = set(self.standing)
        plain = next(m for m in self.active if m not in standing)
        rows = [
            User(username=f"s{idx}_office", role=Role.OFFICE),
            User(username=f"s{idx}_leader", role=Role.LEADER, member_id=self.leaders[0]),
            User(username=f"s{idx}_member", role=Role.MEMBER, member_id=plain),
            User(username=f"s{idx}_unit", role=Role.UNIT, unit_id=self.units[0]),
        ]
        for user in rows:
            user.committee_id = self.cid
            user.password = self.password
            user.first_name = f"{self.c.name}{Role(user.role).label}"
        User.objects.bulk_create(rows)

    def _activities(self, year: int) -> None:
        rng = self.rng
        kinds: list[str] = []
        for kind, n in FIXED_KINDS.items():
            kinds += [kind] * n
        target = int(self.sizes[1] * rng.uniform(0.9, 1.1))
        kinds += rng.choices(list(DRAWN_KINDS), weights=list(DRAWN_KINDS.values()), k=max(0, target - len(kinds)))
        first = self.ids.take(Activity, len(kinds))
        if not hasattr(self, "_declared_activity"):
            self._declared_activity = True
            self.sink.declare(
                Activity,
                [
                    "id",
                    "committee",
                    "kind",
                    "title",
                    "start",
                    "end",
                    "days",
                    "location",
                    "station",
                    "special_committee",
                    "group",
                    "study",
                ],
            )
            self.sink.declare(Attendance, ["id", "committee", "activity", "member", "status", "speech", "signed_in_at"])
        labels = dict(Activity.Kind.choices)
        attendance: list[tuple[int, int, str, bool, datetime | None]] = []
        for i, kind in enumerate(kinds):
            pk = first + i
            start = self._day(year)
            days = 1 if rng.random() < 0.85 else rng.randint(2, 3)
            station = rng.choice(self.stations) if kind == "station_activity" else None
            special = rng.choice(self.specials) if kind in ("consultation_counterpart", "inspection") else None
            group = rng.choice(self.groups) if kind == "group_activity" else None
            study = []
            if kind in STUDY_KINDS and rng.random() < 0.7:
                study = rng.sample(["first_topic", "law_of_month", "theory"], rng.randint(1, 2))
            topic = rng.choice(TOPICS)
            self.sink.add(
                Activity,
                (
                    pk,
                    self.cid,
                    kind,
                    f"{year}年{labels[kind]}：{topic}",
                    start,
                    start + timedelta(days=days - 1),
                    days,
                    f"{self.c.name.removesuffix('政协')}会议中心",
                    station,
                    special,
                    group,
                    _j(study),
                ),
            )
            if kind == "plenary":
                invited = self.active
            elif kind in ("standing_committee", "consultation_standing"):
                invited = self.standing
            elif kind in ("chair_meeting", "party_group"):
                invited = self.leaders
            else:
                invited = rng.sample(self.active, min(len(self.active), rng.randint(8, 35)))
            held = start <= self.today
            for member in invited:
                if not held:
                    attendance.append((pk, member, "invited", False, None))
                    continue
                roll = rng.random()
                status = "present" if roll < 0.88 else ("leave" if roll < 0.96 else "absent")
                speech = status == "present" and rng.random() < 0.04
                signed = _aware(start, 8) if status == "present" and roll < 0.5 else None
                attendance.append((pk, member, status, speech, signed))
        first_att = self.ids.take(Attendance, len(attendance))
        for j, (activity, member, status, speech, signed) in enumerate(attendance):
            self.sink.add(Attendance, (first_att + j, self.cid, activity, member, status, speech, signed))

    def _readings(self, year: int) -> None:
        rng = self.rng
        rows = []
        for member in self.active:
            for _ in range(rng.randint(READINGS_PER_MEMBER_YEAR - 4, READINGS_PER_MEMBER_YEAR + 4)):
                rows.append((member, rng.choice(("article", "article", "talk", "book", "book", "essay"))))
        first = self.ids.take(ReadingLog, len(rows))
        if not hasattr(self, "_declared_reading"):
            self._declared_reading = True
            self.sink.declare(ReadingLog, ["id", "committee", "member", "kind", "title", "date"])
        for j, (member, kind) in enumerate(rows):
            day = self._day(year)
            if day > self.today:
                day = self.today - timedelta(days=rng.randrange(30))
            self.sink.add(ReadingLog, (first + j, self.cid, member, kind, rng.choice(READING_TITLES), day))

    def _proposals(self, year: int) -> None:  # noqa: C901 - one status walk, read top to bottom
        rng = self.rng
        low, high = self.sizes[2]
        n = rng.randint(low, high)
        first = self.ids.take(Proposal, n)
        s = self.sink
        if not hasattr(self, "_declared_proposal"):
            self._declared_proposal = True
            s.declare(
                Proposal,
                [
                    "id",
                    "committee",
                    "year",
                    "number",
                    "title",
                    "reason",
                    "suggestions",
                    "category",
                    "submitter_type",
                    "lead",
                    "status",
                    "submitted_at",
                    "reviewed_at",
                    "assigned_at",
                    "due_date",
                    "replied_at",
                    "replied_on_time",
                    "reply_rounds",
                    "rating",
                    "is_key",
                    "supervisor",
                ],
            )
            s.declare(Cosignature, ["id", "proposal", "member", "confirmed_at", "source"])
            s.declare(ProposalUnit, ["id", "proposal", "unit", "role"])
            s.declare(Reply, ["id", "proposal", "unit", "category", "text", "replied_at", "on_time", "round"])
            s.declare(Evaluation, ["id", "proposal", "reply", "member", "rating", "comment"])
            s.declare(ProposalCounter, ["id", "committee", "year", "last"])
        current = year == self.today.year
        categories = Proposal.Category.values
        number = 0
        for i in range(n):
            pk = first + i
            roll = rng.random()
            if current:
                status = (
                    "draft"
                    if roll < 0.05
                    else "submitted"
                    if roll < 0.15
                    else "accepted"
                    if roll < 0.25
                    else "assigned"
                    if roll < 0.55
                    else "replied"
                    if roll < 0.75
                    else "closed"
                    if roll < 0.9
                    else "rejected"
                )
            else:
                status = (
                    "closed"
                    if roll < 0.8
                    else "replied"
                    if roll < 0.85
                    else "rejected"
                    if roll < 0.93
                    else "converted_opinion"
                )
            submitted = _aware(date(year, 1, 1) + timedelta(days=rng.randrange(60)))
            numbered = status in Proposal.PUBLIC
            if numbered:
                number += 1
            reviewed: Any = (
                submitted + timedelta(days=rng.randint(3, 20)) if status not in ("draft", "submitted") else None
            )
            handled = status in Proposal.HANDLED
            assigned: Any = (reviewed + timedelta(days=rng.randint(1, 10))).date() if handled else None
            due = assigned + timedelta(days=90) if assigned else None
            replied_at: Any = None
            on_time: Any = None
            rounds = 0
            if status in ("replied", "closed"):
                replied_at = assigned + timedelta(days=rng.randint(30, 120))
                if replied_at > self.today:
                    replied_at = self.today
                on_time = replied_at <= due
                rounds = 1
            rating = rng.choice(("satisfied", "satisfied", "satisfied", "basically_satisfied", "unsatisfied"))
            rating = rating if status == "closed" else ""
            lead = rng.choice(self.active)
            joint = rng.random() < 0.3
            s.add(
                Proposal,
                (
                    pk,
                    self.cid,
                    year,
                    number if numbered else None,
                    self._title(),
                    f"{rng.choice(TOPICS)}方面还存在短板，群众反映较多。",
                    "一是加强统筹；二是加大投入；三是完善考核。",
                    rng.choice(categories),
                    "joint" if joint else "member",
                    lead,
                    status,
                    None if status == "draft" else submitted,
                    reviewed,
                    assigned,
                    due,
                    replied_at,
                    on_time,
                    rounds,
                    rating,
                    numbered and rng.random() < 0.05,
                    None,
                ),
            )
            if joint:
                others = rng.sample(self.active, 3)
                cos = self.ids.take(Cosignature, 3)
                for k, member in enumerate(dict.fromkeys(m for m in others if m != lead)):
                    s.add(Cosignature, (cos + k, pk, member, submitted, "cosign"))
            if handled:
                units = rng.sample(self.units, 2 if rng.random() < 0.3 else 1)
                pu = self.ids.take(ProposalUnit, len(units))
                for k, unit in enumerate(units):
                    s.add(ProposalUnit, (pu + k, pk, unit, "lead" if k == 0 else "co"))
                if replied_at:
                    reply = self.ids.take(Reply)
                    category = rng.choice("AABBC")
                    s.add(
                        Reply,
                        (
                            reply,
                            pk,
                            units[0],
                            category,
                            "经研究，答复如下：已列入年度工作计划。",
                            replied_at,
                            on_time,
                            1,
                        ),
                    )
                    if rating:
                        s.add(Evaluation, (self.ids.take(Evaluation), pk, reply, lead, rating, ""))
        s.add(ProposalCounter, (self.ids.take(ProposalCounter), self.cid, year, number))

    def _opinions(self, year: int) -> None:
        rng = self.rng
        low, high = self.sizes[3]
        n = rng.randint(low, high)
        first = self.ids.take(OpinionReport, n)
        s = self.sink
        if not hasattr(self, "_declared_opinion"):
            self._declared_opinion = True
            s.declare(
                OpinionReport, ["id", "committee", "title", "content", "author", "holder", "status", "submitted_at"]
            )
            s.declare(OpinionHolding, ["id", "report", "committee", "received_at"])
            s.declare(OpinionEvent, ["id", "report", "committee", "kind", "at"])
            s.declare(OpinionAdoption, ["id", "report", "committee", "level", "issue", "date"])
        parent = self.c.parent_id
        for i in range(n):
            pk = first + i
            day = self._day(year)
            if day > self.today:
                day = self.today - timedelta(days=rng.randrange(60))
            at = _aware(day, 10)
            roll = rng.random()
            status = (
                "submitted" if roll < 0.2 else "adopted" if roll < 0.6 else "forwarded" if roll < 0.8 else "rejected"
            )
            if status == "forwarded" and parent is None:
                status = "adopted"
            holder = parent if status == "forwarded" else self.cid
            s.add(
                OpinionReport,
                (
                    pk,
                    self.cid,
                    f"关于{rng.choice(TOPICS)}的社情民意",
                    f"近期，群众对{rng.choice(TOPICS)}问题反映强烈，建议有关部门加强研究、尽快解决。",
                    rng.choice(self.active),
                    holder,
                    status,
                    at,
                ),
            )
            hold = self.ids.take(OpinionHolding, 2 if status == "forwarded" else 1)
            s.add(OpinionHolding, (hold, pk, self.cid, at))
            ev = self.ids.take(OpinionEvent, 2 if status != "submitted" else 1)
            s.add(OpinionEvent, (ev, pk, self.cid, "submitted", at))
            later = at + timedelta(days=rng.randint(1, 10))
            if status == "forwarded":
                s.add(OpinionHolding, (hold + 1, pk, parent, later))
                s.add(OpinionEvent, (ev + 1, pk, self.cid, "forwarded", later))
            elif status == "adopted":
                s.add(OpinionEvent, (ev + 1, pk, self.cid, "adopted", later))
                s.add(
                    OpinionAdoption,
                    (
                        self.ids.take(OpinionAdoption),
                        pk,
                        self.cid,
                        self.c.level,
                        f"{year}年第{i // 10 + 1}期",
                        later.date(),
                    ),
                )
            elif status == "rejected":
                s.add(OpinionEvent, (ev + 1, pk, self.cid, "rejected", later))

    def _research(self, year: int) -> None:
        rng = self.rng
        s = self.sink
        if not hasattr(self, "_declared_research"):
            self._declared_research = True
            s.declare(ResearchTopic, ["id", "committee", "year", "title", "lead", "special_committee", "step", "steps"])
            s.declare(ResearchTopic.group_members.through, ["id", "researchtopic", "member"])
            s.declare(
                ResearchOutcome,
                ["id", "committee", "topic", "problem", "suggestion", "solution", "adoption", "implemented"],
            )
        first = self.ids.take(ResearchTopic, RESEARCH_TOPICS_PER_YEAR)
        for i in range(RESEARCH_TOPICS_PER_YEAR):
            pk = first + i
            step = rng.randint(1, 9) if year == self.today.year else 9
            group = rng.sample(self.active, 6)
            done_on = date(year, 3, 1)
            steps = []
            texts = {1: "plan", 2: "plan_document", 7: "report", 8: "evaluation"}
            for number in range(1, step):
                artefact: dict[str, Any] = {}
                if number in texts:
                    artefact[texts[number]] = f"第{number}步材料"
                if number == 3:
                    artefact = {"members": group, "others": []}
                steps.append(
                    {
                        "step": number,
                        "completed_at": (done_on + timedelta(days=20 * number)).isoformat(),
                        "artefact": artefact,
                    }
                )
            s.add(
                ResearchTopic,
                (
                    pk,
                    self.cid,
                    year,
                    f"{year}年{rng.choice(TOPICS)}专题调研",
                    rng.choice(self.leaders),
                    rng.choice(self.specials),
                    step,
                    _j(steps),
                ),
            )
            through = ResearchTopic.group_members.through
            tm = self.ids.take(through, len(group))
            for k, member in enumerate(group):
                s.add(through, (tm + k, pk, member))
            if step > 8:
                oc = self.ids.take(ResearchOutcome, 2)
                for k in range(2):
                    adoption = rng.choice(("adopted", "partly", "pending", "not_adopted"))
                    implemented = adoption in ("adopted", "partly") and rng.random() < 0.6
                    s.add(
                        ResearchOutcome,
                        (oc + k, self.cid, pk, "存在的问题", "对策建议", "解决方案", adoption, implemented),
                    )

    def _ledger(self, year: int) -> None:
        rng = self.rng
        s = self.sink
        if not hasattr(self, "_declared_ledger"):
            self._declared_ledger = True
            s.declare(Plan, ["id", "committee", "year", "title", "approved_at", "approved_by"])
            s.declare(
                PlanItem,
                [
                    "id",
                    "committee",
                    "plan",
                    "kind",
                    "origin",
                    "title",
                    "lead",
                    "responsible",
                    "deadline",
                    "progress",
                    "last_report_at",
                ],
            )
            s.declare(ProgressReport, ["id", "committee", "item", "progress", "note", "date"])
        plan = self.ids.take(Plan)
        s.add(Plan, (plan, self.cid, year, f"{year}年度协商工作计划", date(year, 2, 15), f"{year}年党委常委会会议"))
        first = self.ids.take(PlanItem, PLAN_ITEMS_PER_YEAR)
        kinds, origins = PlanItem.Kind.values, PlanItem.Origin.values
        for i in range(PLAN_ITEMS_PER_YEAR):
            pk = first + i
            deadline = date(year, rng.randint(4, 12), 28)
            past = deadline < self.today
            progress = 100 if past and rng.random() < 0.9 else rng.choice((0, 20, 40, 60, 80))
            reports = rng.randint(1, 3) if progress else 0
            last = None
            if reports:
                pr = self.ids.take(ProgressReport, reports)
                for k in range(reports):
                    day = min(date(year, 3 + k * 2, 10), self.today)
                    last = day
                    s.add(
                        ProgressReport,
                        (pr + k, self.cid, pk, min(100, progress * (k + 1) // reports), "按计划推进", day),
                    )
            s.add(
                PlanItem,
                (
                    pk,
                    self.cid,
                    plan,
                    rng.choice(kinds),
                    rng.choice(origins),
                    f"{rng.choice(TOPICS)}{rng.choice(('协商', '调研', '视察'))}",
                    rng.choice(self.leaders),
                    rng.choice(self.specials),
                    deadline,
                    progress,
                    last,
                ),
            )

    def _rule_sets(self, first: int, last: int) -> None:
        s = self.sink
        s.declare(ScoreRuleSet, ["id", "committee", "year", "items", "grades", "shared_caps", "warnings"])
        years = list(range(first, last + 1))
        pk = self.ids.take(ScoreRuleSet, len(years))
        for k, year in enumerate(years):
            s.add(
                ScoreRuleSet,
                (
                    pk + k,
                    self.cid,
                    year,
                    _j(rules.DEFAULT_ITEMS),
                    _j(rules.DEFAULT_GRADES),
                    _j(rules.DEFAULT_SHARED_CAPS),
                    _j(rules.DEFAULT_WARNINGS),
                ),
            )
