"""The demo committee: 示例县政协 under 示例市政协 under 示例省政协, with one login per role.

`demo_plan` draws every random choice from one seeded `random.Random` and touches no
database, so two runs plan the same committee. `demo_load` writes the plan through the
one write path (`object_create`: full_clean, then save with history and audit), matching
every row on its natural key first: rows that exist are left as they are, so a second
run adds nothing and never overwrites what the office has edited since.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction

from luzhi.accounts.models import User
from luzhi.core.registry import app_modules
from luzhi.core.roles import Role
from luzhi.core.services import object_create
from luzhi.org.models import (
    Committee,
    Liaison,
    Member,
    MemberGroup,
    PartyOrganization,
    Sector,
    SpecialCommittee,
    Station,
    Term,
    Unit,
)

M = TypeVar("M", bound=models.Model)

SEED = 20260101
DEMO_PASSWORD = "Luzhi#2026demo"
# Ages are counted at a fixed day, not today, so that every run plans the same birth dates.
REFERENCE_DATE = date(2026, 1, 1)
CHANGE_REASON = "demo_data"

COUNTY = yaml.safe_load((Path(__file__).parent / "data" / "county.yaml").read_text("utf-8"))

PROVINCE_NAME, CITY_NAME, COUNTY_NAME = "示例省政协", "示例市政协", "示例县政协"
# (name, level, parent name, region code, term number, term start, term end)
COMMITTEES = [
    (PROVINCE_NAME, Committee.Level.PROVINCE, None, "629000", 13, date(2023, 1, 1), date(2027, 12, 31)),
    (CITY_NAME, Committee.Level.CITY, PROVINCE_NAME, "629900", 6, date(2021, 12, 1), date(2026, 11, 30)),
    (COUNTY_NAME, Committee.Level.COUNTY, CITY_NAME, "629901", 10, date(2022, 1, 1), date(2026, 12, 31)),
]
GROUPS = ["第一委员小组", "第二委员小组", "第三委员小组", "第四委员小组", "第五委员小组"]
TOWNS = ["城关镇", "新集乡", "柳湾镇", "石门乡", "红山镇", "马坞乡", "东峪镇", "清水乡"]
VILLAGES = [
    "东关村",
    "河湾村",
    "杨家庄村",
    "李家湾村",
    "红旗村",
    "新庄村",
    "上川村",
    "下坪村",
    "石岭村",
    "沙沟村",
]
STATIONS = [
    ("城关镇委员工作站", Station.Kind.WORKSTATION, "城关镇人民政府二楼"),
    ("新集乡委员工作站", Station.Kind.WORKSTATION, "新集乡便民服务中心"),
    ("柳湾镇委员工作站", Station.Kind.WORKSTATION, "柳湾镇文化站"),
    ("石门乡委员工作站", Station.Kind.WORKSTATION, "石门乡人民政府"),
    ("红山镇委员工作站", Station.Kind.WORKSTATION, "红山镇新时代文明实践所"),
    ("城关镇东关社区协商议事室", Station.Kind.COUNCIL_ROOM, "城关镇东关社区党群服务中心"),
    ("新集乡河湾村协商议事室", Station.Kind.COUNCIL_ROOM, "新集乡河湾村村委会"),
    ("马坞乡协商议事室", Station.Kind.COUNCIL_ROOM, "马坞乡人民政府会议室"),
    ("教育界委员工作室", Station.Kind.STUDIO, "城关镇 县第一中学"),
    ("医药卫生界委员工作室", Station.Kind.STUDIO, "城关镇 县人民医院"),
    ("农业农村委员工作室", Station.Kind.STUDIO, "柳湾镇现代农业产业园"),
    ("民族团结进步委员工作室", Station.Kind.STUDIO, "东峪镇民族团结进步示范村"),
]

# County sizes of each sector (界别); 220 members in all, leaders included.
SECTOR_SIZES = {
    "中国共产党": 25,
    "民主党派": 18,
    "无党派人士": 8,
    "共青团和青联": 8,
    "总工会": 8,
    "妇联": 10,
    "工商联": 14,
    "科学技术界": 10,
    "教育界": 18,
    "文化艺术界": 8,
    "医药卫生界": 14,
    "农业和农村界": 20,
    "经济界": 16,
    "体育界": 4,
    "新闻出版界": 5,
    "社会福利和社会保障界": 8,
    "少数民族界": 10,
    "宗教界": 6,
    "特邀人士": 10,
}
STANDING_COUNT = 35
SECTOR_AGES = {"共青团和青联": (30, 40), "特邀人士": (50, 65)}
# The 主席会议: (position, sector, party, gender, workplace).
LEADERS = [
    (Member.Position.CHAIR, "中国共产党", "cpc", "M", "县政协主席、党组书记"),
    (Member.Position.VICE_CHAIR, "中国共产党", "cpc", "M", "县政协副主席、党组副书记"),
    (Member.Position.VICE_CHAIR, "中国共产党", "cpc", "F", "县政协副主席、党组成员"),
    (Member.Position.VICE_CHAIR, "民主党派", "cdl", "M", "县政协副主席、民盟县委主委"),
    (Member.Position.VICE_CHAIR, "工商联", "non_party", "M", "县政协副主席、县工商联主席"),
    (Member.Position.SECRETARY_GENERAL, "中国共产党", "cpc", "M", "县政协秘书长、党组成员"),
]
LEADER_AGES = (50, 60)

DEMOCRATIC_PARTIES = {"rcck": 2, "cdl": 4, "cndca": 3, "capd": 4, "cpwdp": 3, "czgp": 0.5, "jiusan": 2}
PARTY_SHORT = {
    "rcck": "民革",
    "cdl": "民盟",
    "cndca": "民建",
    "capd": "民进",
    "cpwdp": "农工党",
    "czgp": "致公党",
    "jiusan": "九三学社",
}
# Political affiliation by sector where the sector decides it; "democratic" draws a party.
PARTY_MIX: dict[str, dict[str, float]] = {
    "中国共产党": {"cpc": 1},
    "民主党派": {"democratic": 1},
    "无党派人士": {"non_party": 1},
    "宗教界": {"none": 1},
    "少数民族界": {"cpc": 0.4, "none": 0.5, "non_party": 0.1},
    "共青团和青联": {"cpc": 0.6, "none": 0.4},
    "特邀人士": {"cpc": 0.5, "none": 0.3, "democratic": 0.1, "non_party": 0.1},
}
DEFAULT_PARTY_MIX = {"cpc": 0.37, "democratic": 0.08, "non_party": 0.04, "none": 0.48}

# Each sector's natural special committee; members join it three times out of four.
SECTOR_COMMITTEE = {
    "民主党派": "提案委员会",
    "无党派人士": "提案委员会",
    "共青团和青联": "社会和法制委员会",
    "总工会": "社会和法制委员会",
    "妇联": "社会和法制委员会",
    "工商联": "经济委员会",
    "科学技术界": "人口资源环境委员会",
    "教育界": "教科卫体委员会",
    "文化艺术界": "文化文史和学习委员会",
    "医药卫生界": "教科卫体委员会",
    "农业和农村界": "农业农村委员会",
    "经济界": "经济委员会",
    "体育界": "教科卫体委员会",
    "新闻出版界": "文化文史和学习委员会",
    "社会福利和社会保障界": "社会和法制委员会",
    "少数民族界": "民族宗教委员会",
    "宗教界": "民族宗教委员会",
    "特邀人士": "社会和法制委员会",
}

# Workplaces: posts one person holds (drawn once each), then posts many can hold.
_BRANDS = ["丰源", "金穗", "鑫达", "恒通", "瑞丰", "陇原", "祁连", "黄河", "兴隆", "宏达", "福瑞", "天润"]
_TRADES = [
    "商贸",
    "建材",
    "农牧业开发",
    "食品",
    "文化旅游",
    "物流",
    "建筑工程",
    "新能源",
    "中药材",
    "电子商务",
]
WORKPLACES: dict[str, tuple[list[str], list[str]]] = {
    "中国共产党": (
        [
            "县委办公室主任",
            "县委组织部副部长",
            "县委宣传部副部长",
            "县委统战部部长",
            "县纪委监委副主任",
            "县直机关工委书记",
            "县委党校常务副校长",
            "县委政法委副书记",
        ],
        ["{town}党委书记", "{town}党委副书记", "{town}人大主席", "{town}{village}党支部书记"],
    ),
    "民主党派": (
        ["县第一中学副校长", "县人民医院副院长", "县律师事务所主任", "县农业技术推广中心高级农艺师"],
        [
            "县实验小学教师",
            "县中医医院主治医师",
            "{brand}{trade}有限公司总经理",
            "县第二中学高级教师",
            "县自然资源局工程师",
        ],
    ),
    "无党派人士": (
        ["县会计师事务所所长", "县第二中学副校长"],
        ["县人民医院副主任医师", "县律师事务所律师", "县职业中专高级讲师", "{brand}{trade}有限公司总经理"],
    ),
    "共青团和青联": (
        ["团县委书记", "县青年创业协会会长", "县青联副主席"],
        ["{brand}电子商务有限公司总经理", "{town}{village}大学生村官", "县第一中学团委书记"],
    ),
    "总工会": (
        ["县总工会副主席", "县供电公司工会主席"],
        ["{brand}{trade}有限公司工会主席", "{brand}建筑工程有限公司技术员", "县环卫所一线职工"],
    ),
    "妇联": (
        ["县妇联主席", "县妇联副主席", "{town}妇联主席"],
        ["{brand}巾帼手工编织合作社理事长", "县家政服务有限公司总经理", "{town}{village}妇联主席"],
    ),
    "工商联": (
        ["县工商联副主席、{brand}{trade}有限公司董事长", "县个体劳动者协会会长"],
        ["{brand}{trade}有限公司董事长", "{brand}{trade}有限公司总经理", "{town}{brand}商贸城总经理"],
    ),
    "科学技术界": (
        ["县科协副主席", "县气象局局长", "县林业技术推广站站长"],
        [
            "县水利技术服务中心工程师",
            "县农业技术推广中心农艺师",
            "县林业技术推广站高级工程师",
            "县畜牧兽医技术服务中心兽医师",
        ],
    ),
    "教育界": (
        [
            "县第一中学校长",
            "县第二中学校长",
            "县实验小学校长",
            "县职业中专校长",
            "县幼儿园园长",
            "县教育局副局长",
            "城关小学校长",
            "县特殊教育学校校长",
        ],
        ["县第一中学教师", "县第二中学高级教师", "{town}中心小学校长", "{town}中学教师", "县实验小学教师"],
    ),
    "文化艺术界": (
        ["县文化馆馆长", "县博物馆馆长", "县秦腔剧团团长", "县书法家协会主席", "县作家协会主席"],
        ["县文化馆副研究馆员", "县非遗保护中心干部", "县美术家协会会员"],
    ),
    "医药卫生界": (
        ["县人民医院院长", "县中医医院院长", "县妇幼保健院院长", "县疾病预防控制中心主任"],
        [
            "县人民医院主任医师",
            "县人民医院副主任医师",
            "县中医医院主治医师",
            "县人民医院护士长",
            "{town}卫生院院长",
            "{town}{village}卫生室乡村医生",
        ],
    ),
    "农业和农村界": (
        ["县农业技术推广中心主任", "县畜牧兽医站站长", "县农村经营管理站站长"],
        [
            "{town}{village}党支部书记",
            "{town}{village}村委会主任",
            "{brand}农民专业合作社理事长",
            "{town}家庭农场主",
            "县农业技术推广中心高级农艺师",
        ],
    ),
    "经济界": (
        ["县农村商业银行行长", "县城市投资发展有限公司总经理", "县农业银行支行行长", "县邮政分公司经理"],
        ["{brand}{trade}有限公司董事长", "{brand}{trade}有限公司总经理", "县财政局副局长", "县统计局副局长"],
    ),
    "体育界": (["县体育运动学校校长", "县全民健身中心主任"], ["县第一中学体育教师", "县体育总会秘书长"]),
    "新闻出版界": (["县融媒体中心主任", "县新华书店经理"], ["县融媒体中心记者", "县融媒体中心编辑"]),
    "社会福利和社会保障界": (
        ["县残联理事长", "县社会福利院院长", "县社会保险服务中心主任", "县慈善协会会长"],
        ["县民政局副局长", "县医疗保障局副局长", "{town}敬老院院长"],
    ),
    "少数民族界": (
        ["县民族宗教事务局副局长", "{brand}清真食品有限公司董事长"],
        ["{town}党委副书记", "{town}{village}村委会主任", "{town}中心小学教师"],
    ),
    "宗教界": ([], []),  # set per faith below
    "特邀人士": (
        [
            "县人大常委会原副主任",
            "县人民法院原院长",
            "县人民检察院检察官",
            "县公安局副局长",
            "县政府办公室副主任",
        ],
        ["台属代表", "归侨侨眷代表", "县退役军人服务中心主任"],
    ),
}
# 宗教界: (post, ethnicities the faith is held by here)
RELIGIOUS_POSTS = [
    ("县伊斯兰教协会会长", ["回族"]),
    ("{town}清真寺教长", ["回族", "东乡族", "撒拉族", "保安族"]),
    ("县佛教协会会长", ["藏族", "土族", "裕固族"]),
    ("{town}寺院管委会主任", ["藏族", "蒙古族"]),
    ("县佛教协会副会长", ["汉族", "藏族"]),
    ("县道教协会副会长", ["汉族"]),
    ("县基督教两会负责人", ["汉族"]),
]

# Names: common surnames (weighted by frequency), and given-name characters by gender.
SURNAMES = (
    "王王王李李李张张张刘刘刘陈陈杨杨黄赵赵吴周徐孙马马马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛"
    "闫段雷侯龙史陶贺顾毛郝龚邵万钱严武戴孔汤牛景祁安"
)
GIVEN = {
    "M": (
        "建志永国文海明晓俊德玉学宏振立新金天兴世家继万长福占",
        "军华平明强林东伟刚峰斌杰龙成辉忠福荣祥涛宁勇生鹏鑫斌彪锋宝山",
        "伟强军磊勇杰涛斌超刚平辉鹏华飞鑫波宁峰亮明宏健彬",
    ),
    "F": (
        "秀丽玉桂淑美晓海红春雪小艳文慧婷静佳雅亚彩",
        "英兰芳霞华梅燕娟萍琴敏丽红玲莉静艳娜蓉洁琳",
        "芳娜敏静丽艳娟霞燕玲婷洁红萍梅琳莉慧蓉雪",
    ),
}
MINORITY_SURNAMES = {
    "回族": "马马马丁穆沙哈白杨何",
    "东乡族": "马马妥汪唐",
    "撒拉族": "韩韩马",
    "保安族": "马妥",
    "土族": "李祁鲁",
    "裕固族": "安钟兰贺",
    "满族": "关佟金",
}
TIBETAN = {
    "M": (
        ["扎西", "才让", "多杰", "尼玛", "索南", "贡保", "旦增", "更登", "仁青", "华旦"],
        ["", "", "才让", "多杰", "加", "东智", "扎西", "太"],
    ),
    "F": (
        ["", "", "才让", "扎西", "仁青", "索南"],
        ["卓玛", "拉毛", "德吉", "央金", "拉姆", "措毛", "梅朵", "吉毛"],
    ),
}
MONGOLIAN = {
    "M": ["巴特尔", "图门", "额尔敦", "朝鲁", "宝音", "那顺", "苏和", "孟和"],
    "F": ["其其格", "萨仁", "乌兰", "娜仁", "格日勒", "高娃", "塔娜"],
}
KAZAKH = {"M": ["努尔兰", "哈力木", "叶尔兰", "别克"], "F": ["阿依努尔", "古丽", "加娜尔"]}
MINORITY_WEIGHTS = {
    "回族": 7,
    "藏族": 4,
    "东乡族": 2,
    "土族": 1,
    "裕固族": 1,
    "蒙古族": 1,
    "满族": 1,
    "保安族": 0.5,
    "撒拉族": 0.5,
    "哈萨克族": 0.5,
}
HAN_SHARE = 0.92  # outside the minority and religious sectors

# The members of the upper committees: (position, party, workplace).
UPPER_MEMBERS = {
    PROVINCE_NAME: [
        (Member.Position.CHAIR, "cpc", "省政协主席"),
        (Member.Position.VICE_CHAIR, "cpc", "省政协副主席"),
        (Member.Position.VICE_CHAIR, "capd", "省政协副主席、民进省委主委"),
        (Member.Position.SECRETARY_GENERAL, "cpc", "省政协秘书长"),
        (Member.Position.STANDING, "jiusan", "省农业科学院研究员"),
        (Member.Position.MEMBER, "none", "省人民医院主任医师"),
    ],
    CITY_NAME: [
        (Member.Position.CHAIR, "cpc", "市政协主席"),
        (Member.Position.VICE_CHAIR, "cpc", "市政协副主席"),
        (Member.Position.VICE_CHAIR, "cndca", "市政协副主席、民建市委主委"),
        (Member.Position.SECRETARY_GENERAL, "cpc", "市政协秘书长"),
        (Member.Position.STANDING, "non_party", "市第一中学校长"),
        (Member.Position.STANDING, "cpc", "市融媒体中心主任"),
        (Member.Position.MEMBER, "none", "市中心医院副主任医师"),
    ],
}

RESIGNED, EXITED = 3, 2
UNCOVERED = (3, 6)  # how many receivers of each liaison kind the demo leaves uncovered
BRANCHLESS = (3, 5)  # how many CPC members no 党支部 covers


@dataclass(frozen=True)
class MemberSpec:
    committee: str
    name: str
    gender: str
    ethnicity: str
    birth_date: date
    party: str
    position: str
    phone: str
    workplace: str
    sector: str | None = None
    special_committee: str | None = None
    group: str | None = None
    status: str = Member.Status.ACTIVE

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.committee, self.name, self.birth_date)


@dataclass(frozen=True)
class PartyOrgSpec:
    kind: str
    name: str
    parent: str | None
    members: list[int]  # indexes into DemoPlan.members


@dataclass(frozen=True)
class UserSpec:
    username: str
    role: str
    committee: str
    label: str
    first_try: str
    member: int | None = None
    unit: str | None = None
    special_committee: str | None = None


@dataclass(frozen=True)
class DemoPlan:
    members: list[MemberSpec]
    liaisons: list[tuple[str, int, int]]  # (kind, from index, to index)
    party_organizations: list[PartyOrgSpec]
    users: list[UserSpec]


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    skipped: bool = False

    @property
    def total(self) -> int:
        return sum(self.created.values())


class _Names:
    """Draws realistic names that are unique within the demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, gender: str, ethnicity: str) -> str:
        for _ in range(1000):
            name = self._one(gender, ethnicity)
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("name pool exhausted")

    def _han_given(self, gender: str) -> str:
        first, second, single = GIVEN[gender]
        if self.rng.random() < 0.3:
            return self.rng.choice(single)
        return self.rng.choice(first) + self.rng.choice(second)

    def _one(self, gender: str, ethnicity: str) -> str:
        rng = self.rng
        if ethnicity == "藏族":
            head, tail = TIBETAN[gender]
            name = rng.choice(head) + rng.choice(tail)
            return name if len(name) >= 2 else name + "才让"
        if ethnicity == "蒙古族":
            return rng.choice(MONGOLIAN[gender])
        if ethnicity == "哈萨克族":
            return rng.choice(KAZAKH[gender])
        surname = rng.choice(MINORITY_SURNAMES.get(ethnicity, SURNAMES))
        return surname + self._han_given(gender)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Planner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = _Names(self.rng)
        self.phones: set[str] = set()
        self.posts_taken: set[str] = set()
        self.workplaces: set[str] = set()

    def phone(self) -> str:
        while True:
            number = self.rng.choice(["138", "139", "158", "159", "177", "180", "181", "186", "189", "193"])
            number += f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def birth_date(self, low: int, high: int) -> date:
        age_days = self.rng.randrange(low * 365 + 1, (high + 1) * 365 - 1)
        return REFERENCE_DATE - timedelta(days=age_days)

    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(
            town=rng.choice(TOWNS),
            village=rng.choice(VILLAGES),
            brand=rng.choice(_BRANDS),
            trade=rng.choice(_TRADES),
        )

    def workplace(self, sector: str, party: str) -> str:
        unique, shared = WORKPLACES[sector]
        free = [post for post in unique if f"{sector}:{post}" not in self.posts_taken]
        if free and (not shared or self.rng.random() < 0.6):
            self.posts_taken.add(f"{sector}:{free[0]}")
            text = self.distinct(free[0])
        else:
            text = self.distinct(*shared)
        if party in PARTY_SHORT and sector == "民主党派" and self.rng.random() < 0.4:
            text = f"{PARTY_SHORT[party]}县委委员、{text}"
        return text

    def distinct(self, *templates: str) -> str:
        """Fill a template, preferring a post nobody holds yet (two 书记 of one town would jar)."""
        for _ in range(20):
            text = self.fill(self.rng.choice(templates))
            if text not in self.workplaces:
                break
        self.workplaces.add(text)
        return text

    def ethnicity(self, sector: str) -> str:
        if sector == "少数民族界" or self.rng.random() > HAN_SHARE:
            return _weighted(self.rng, MINORITY_WEIGHTS)
        return "汉族"

    def party(self, sector: str) -> str:
        party = _weighted(self.rng, PARTY_MIX.get(sector, DEFAULT_PARTY_MIX))
        return _weighted(self.rng, DEMOCRATIC_PARTIES) if party == "democratic" else party

    def gender(self, sector: str) -> str:
        share = {"妇联": 0.85, "宗教界": 0.1}.get(sector, 0.26)
        return "F" if self.rng.random() < share else "M"


def demo_plan(seed: int = SEED) -> DemoPlan:
    """Plan the whole demo from one seed, without touching the database."""
    p = _Planner(seed)
    rng = p.rng
    members: list[MemberSpec] = []

    for position, sector, party, gender, workplace in LEADERS:
        ethnicity = "汉族"
        members.append(
            MemberSpec(
                committee=COUNTY_NAME,
                name=p.names.draw(gender, ethnicity),
                gender=gender,
                ethnicity=ethnicity,
                birth_date=p.birth_date(*LEADER_AGES),
                party=party,
                position=position,
                phone=p.phone(),
                workplace=workplace,
                sector=sector,
            )
        )
    leaders_in = Counter(sector for _, sector, *_ in LEADERS)

    ordinary: list[MemberSpec] = []
    for sector, size in SECTOR_SIZES.items():
        for _ in range(size - leaders_in[sector]):
            gender = p.gender(sector)
            if sector == "宗教界":
                post, faiths = rng.choice([r for r in RELIGIOUS_POSTS if "{" in r[0] or r[0] not in p.workplaces])
                ethnicity, party, workplace = rng.choice(faiths), "none", p.distinct(post)
            else:
                ethnicity = p.ethnicity(sector)
                party = p.party(sector)
                workplace = p.workplace(sector, party)
            home = SECTOR_COMMITTEE.get(sector)
            special = home if home and rng.random() < 0.75 else rng.choice(COUNTY["special_committees"])
            ordinary.append(
                MemberSpec(
                    committee=COUNTY_NAME,
                    name=p.names.draw(gender, ethnicity),
                    gender=gender,
                    ethnicity=ethnicity,
                    birth_date=p.birth_date(*SECTOR_AGES.get(sector, (30, 65))),
                    party=party,
                    position=Member.Position.MEMBER,
                    phone=p.phone(),
                    workplace=workplace,
                    sector=sector,
                    special_committee=special,
                )
            )

    # 常委: at least one per sector, the rest drawn from everyone.
    first_of_sector = {m.sector: i for i, m in reversed(list(enumerate(ordinary)))}
    standing = set(first_of_sector.values())
    rest = [i for i in range(len(ordinary)) if i not in standing]
    standing |= set(rng.sample(rest, STANDING_COUNT - len(standing)))
    order = list(range(len(ordinary)))
    rng.shuffle(order)
    group_of = {i: GROUPS[n % len(GROUPS)] for n, i in enumerate(order)}
    ordinary_members = [i for i in range(len(ordinary)) if i not in standing]
    left = rng.sample(ordinary_members, RESIGNED + EXITED)
    status_of = {i: Member.Status.RESIGNED for i in left[:RESIGNED]} | {
        i: Member.Status.EXITED for i in left[RESIGNED:]
    }
    for i, spec in enumerate(ordinary):
        members.append(
            replace(
                spec,
                position=Member.Position.STANDING if i in standing else Member.Position.MEMBER,
                group=group_of[i],
                status=status_of.get(i, Member.Status.ACTIVE),
            )
        )

    # The demo member login: an active ordinary member of 教育界 outside the CPC.
    member_login = next(
        i
        for i, m in enumerate(members)
        if m.sector == "教育界"
        and m.position == Member.Position.MEMBER
        and m.party != "cpc"
        and m.status == Member.Status.ACTIVE
    )

    liaisons = _plan_liaisons(rng, members, keep_covered={member_login})
    party_orgs = _plan_party_organizations(rng, members)

    for committee, rows in UPPER_MEMBERS.items():
        for position, party, workplace in rows:
            gender = p.gender("")
            members.append(
                MemberSpec(
                    committee=committee,
                    name=p.names.draw(gender, "汉族"),
                    gender=gender,
                    ethnicity="汉族",
                    birth_date=p.birth_date(*LEADER_AGES)
                    if position != Member.Position.MEMBER
                    else p.birth_date(35, 60),
                    party=party,
                    position=position,
                    phone=p.phone(),
                    workplace=workplace,
                )
            )

    users = [
        UserSpec("sysadmin", Role.SYSADMIN, COUNTY_NAME, "系统管理员", "账号管理：/accounts/users/ 查看与新建账号"),
        UserSpec(
            "secadmin",
            Role.SECADMIN,
            COUNTY_NAME,
            "安全管理员",
            "安全设置：/accounts/security/ 调整空闲超时、解锁账号",
        ),
        UserSpec(
            "auditor",
            Role.AUDITOR,
            COUNTY_NAME,
            "安全审计员",
            "审计日志：/accounts/audit/ 谁何时改了什么",
        ),
        UserSpec(
            "office",
            Role.OFFICE,
            COUNTY_NAME,
            "县政协办公室",
            "联系结对：/org/liaisons/ 看哪些委员尚未被联系；导入名册：/org/members/import/",
        ),
        UserSpec(
            "staff",
            Role.COMMITTEE_STAFF,
            COUNTY_NAME,
            "提案委员会工作人员",
            "委员名册：/org/members/ 按专委会筛选",
            special_committee="提案委员会",
        ),
        UserSpec("leader", Role.LEADER, COUNTY_NAME, "主席会议成员", "首页 / 与委员名册 /org/members/", member=0),
        UserSpec(
            "member",
            Role.MEMBER,
            COUNTY_NAME,
            "委员",
            "委员名册：/org/members/（手机端同样可用）",
            member=member_login,
        ),
        UserSpec(
            "unit",
            Role.UNIT,
            COUNTY_NAME,
            "县教育局",
            "承办单位：/org/units/ 只看到本单位",
            unit="县教育局",
        ),
        UserSpec(
            "city_office",
            Role.OFFICE,
            CITY_NAME,
            "市政协办公室",
            "本政协：/org/ 看到下级示例县政协",
        ),
        UserSpec("province_office", Role.OFFICE, PROVINCE_NAME, "省政协办公室", "本政协：/org/"),
    ]
    return DemoPlan(members=members, liaisons=liaisons, party_organizations=party_orgs, users=users)


def _plan_liaisons(
    rng: random.Random, members: list[MemberSpec], *, keep_covered: set[int]
) -> list[tuple[str, int, int]]:
    """Pair givers with receivers round-robin, leaving a few receivers of each kind uncovered."""
    active = [i for i, m in enumerate(members) if m.status == Member.Status.ACTIVE]
    leader_positions = set(Member.LEADER_POSITIONS)
    kinds = {
        Liaison.Kind.PARTY_TO_NONPARTY: (
            [i for i in active if members[i].party == "cpc"],
            [i for i in active if members[i].party != "cpc"],
        ),
        Liaison.Kind.LEADER_TO_STANDING: (
            [i for i in active if members[i].position in leader_positions],
            [i for i in active if members[i].position == Member.Position.STANDING],
        ),
        Liaison.Kind.STANDING_TO_MEMBER: (
            [i for i in active if members[i].position != Member.Position.MEMBER],
            [i for i in active if members[i].position == Member.Position.MEMBER],
        ),
    }
    pairs: list[tuple[str, int, int]] = []
    for kind, (givers, receivers) in kinds.items():
        candidates = [i for i in receivers if i not in keep_covered]
        uncovered = set(rng.sample(candidates, rng.randint(*UNCOVERED)))
        covered = [i for i in receivers if i not in uncovered]
        rng.shuffle(covered)
        givers = givers[:]
        rng.shuffle(givers)
        for n, receiver in enumerate(covered):
            giver = givers[n % len(givers)]
            if giver == receiver:
                giver = givers[(n + 1) % len(givers)]
            pairs.append((kind, giver, receiver))
    return pairs


def _plan_party_organizations(rng: random.Random, members: list[MemberSpec]) -> list[PartyOrgSpec]:
    """党组 with the CPC leaders, 机关党组 under it, and one 党支部 per member group."""
    cpc_leaders = [i for i, m in enumerate(members) if m.party == "cpc" and m.position in Member.LEADER_POSITIONS]
    secretary_general = [i for i in cpc_leaders if members[i].position == Member.Position.SECRETARY_GENERAL]
    party_group = "中共示例县政协党组"
    orgs = [
        PartyOrgSpec(PartyOrganization.Kind.PARTY_GROUP, party_group, None, cpc_leaders),
        PartyOrgSpec(
            PartyOrganization.Kind.OFFICE_PARTY_GROUP,
            "中共示例县政协机关党组",
            party_group,
            secretary_general,
        ),
    ]
    in_groups = [i for i, m in enumerate(members) if m.party == "cpc" and m.group and m.status == Member.Status.ACTIVE]
    branchless = set(rng.sample(in_groups, rng.randint(*BRANCHLESS)))
    for group in GROUPS:
        branch = [i for i in in_groups if members[i].group == group and i not in branchless]
        orgs.append(PartyOrgSpec(PartyOrganization.Kind.BRANCH, f"政协委员{group}党支部", party_group, branch))
    return orgs


# ---------------------------------------------------------------- writing the plan


class _Writer:
    """Get-or-create by natural key through `object_create`, counting what it creates."""

    def __init__(self, result: DemoResult) -> None:
        self.result = result

    def ensure(self, model: type[M], lookup: dict[str, Any], defaults: dict[str, Any] | None = None) -> M:
        existing = model._default_manager.filter(**lookup).first()
        if existing is not None:
            return existing
        return self.create(model, {**lookup, **(defaults or {})})

    def create(self, model: type[M], data: dict[str, Any]) -> M:
        instance = object_create(actor=None, model=model, data=data, reason=CHANGE_REASON)
        self.result.created[model._meta.label] += 1
        return instance

    def ensure_named(self, model: type[Any], committee: Committee, rows: list[dict[str, Any]]) -> dict[Any, Any]:
        """Create the missing rows of a committee's named list; return them all by name."""
        have = {obj.name: obj for obj in model._default_manager.filter(committee=committee)}
        for row in rows:
            if row["name"] not in have:
                have[row["name"]] = self.create(model, {"committee": committee, **row})
        return have


def demo_data_present() -> bool:
    """Return whether the demo county committee exists."""
    return Committee.objects.filter(name=COUNTY_NAME, parent__name=CITY_NAME).exists()


@transaction.atomic
def demo_data_load(*, plan: DemoPlan | None = None) -> DemoResult:
    """Create whatever of the demo committee is missing; existing rows are left untouched."""
    plan = plan or demo_plan()
    result = DemoResult()
    w = _Writer(result)

    committees: dict[str, Committee] = {}
    terms: dict[str, Term] = {}
    for name, level, parent, region_code, number, start, end in COMMITTEES:
        parent_obj = committees.get(parent) if parent else None
        committee = w.ensure(
            Committee, {"name": name, "parent": parent_obj}, {"level": level, "region_code": region_code}
        )
        committees[name] = committee
        terms[name] = w.ensure(Term, {"committee": committee, "number": number}, {"start": start, "end": end})

    county = committees[COUNTY_NAME]
    sectors = w.ensure_named(Sector, county, [{"name": n} for n in COUNTY["sectors"]])
    specials = w.ensure_named(SpecialCommittee, county, [{"name": n} for n in COUNTY["special_committees"]])
    groups = w.ensure_named(MemberGroup, county, [{"name": n} for n in GROUPS])
    units = w.ensure_named(Unit, county, [{"name": n} for n in COUNTY["units"]])
    w.ensure_named(Station, county, [{"name": n, "kind": k, "location": loc} for n, k, loc in STATIONS])

    have = {(m.committee_id, m.name, m.birth_date): m for m in Member.objects.filter(committee__in=committees.values())}
    members: list[Member] = []
    for spec in plan.members:
        committee = committees[spec.committee]
        member = have.get((committee.pk, spec.name, spec.birth_date))
        if member is None:
            member = w.create(
                Member,
                {
                    "committee": committee,
                    "name": spec.name,
                    "gender": spec.gender,
                    "ethnicity": spec.ethnicity,
                    "birth_date": spec.birth_date,
                    "party": spec.party,
                    "position": spec.position,
                    "sector": sectors.get(spec.sector),
                    "special_committee": specials.get(spec.special_committee),
                    "group": groups.get(spec.group),
                    "term": terms[spec.committee],
                    "workplace": spec.workplace,
                    "phone": spec.phone,
                    "status": spec.status,
                },
            )
        members.append(member)

    linked = set(Liaison.objects.filter(committee=county).values_list("kind", "from_member_id", "to_member_id"))
    for kind, giver, receiver in plan.liaisons:
        a, b = members[giver], members[receiver]
        if (kind, a.pk, b.pk) not in linked:
            w.create(Liaison, {"committee": county, "kind": kind, "from_member": a, "to_member": b})

    orgs = {o.name: o for o in PartyOrganization.objects.filter(committee=county)}
    for org in plan.party_organizations:
        if org.name not in orgs:
            orgs[org.name] = w.create(
                PartyOrganization,
                {
                    "committee": county,
                    "kind": org.kind,
                    "name": org.name,
                    "parent": orgs.get(org.parent) if org.parent else None,
                    "members": [members[i] for i in org.members],
                },
            )

    _ensure_users(w, plan, committees, members, units, specials)
    # Each other domain app adds its year of records to the county (its demo.demo_load).
    for module in app_modules("demo"):
        if module.__name__ != __name__:
            result.created.update(module.demo_load(county=county))
    return result


def _ensure_users(
    w: _Writer,
    plan: DemoPlan,
    committees: dict[str, Committee],
    members: list[Member],
    units: dict[str, Unit],
    specials: dict[str, SpecialCommittee],
) -> None:
    have = set(User.objects.filter(username__in=[u.username for u in plan.users]).values_list("username", flat=True))
    missing = [u for u in plan.users if u.username not in have]
    if not missing:
        return
    validate_password(DEMO_PASSWORD)
    # One hash serves every demo account: the password is public anyway, and hashing is
    # the slowest step of the whole load.
    encoded = make_password(DEMO_PASSWORD)
    for spec in missing:
        w.create(
            User,
            {
                "username": spec.username,
                "first_name": spec.label,
                "role": spec.role,
                "committee": committees[spec.committee],
                "member": members[spec.member] if spec.member is not None else None,
                "unit": units[spec.unit] if spec.unit else None,
                "special_committee": specials[spec.special_committee] if spec.special_committee else None,
                "password": encoded,
            },
        )


def demo_logins(plan: DemoPlan | None = None) -> list[tuple[str, str, str, str]]:
    """Return (role in Chinese, username, password, what to try first) for each demo login."""
    plan = plan or demo_plan()
    return [
        (
            Role(u.role).label if u.committee == COUNTY_NAME else u.label,
            u.username,
            DEMO_PASSWORD,
            u.first_try,
        )
        for u in plan.users
    ]
