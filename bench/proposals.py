"""Proposals at scale: similar search over 100,000 proposals; office list and statistics of a 5,000-proposal year."""

from __future__ import annotations

import io
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.test import Client

SIMILAR_CORPUS = 100_000
YEAR_SIZE = 5_000
YEAR = 2025

_PLACES = ["城关镇", "新集镇", "河西乡", "北山乡", "南湖镇", "东坝村", "石桥村", "柳园社区", "工业园区", "县城"]
_SUBJECTS = [
    ("农村饮水安全", "水源不足，管网老化，夏季停水", "改造供水管网，建设集中供水工程"),
    ("中小学大班额", "班额超过六十人，教室拥挤", "新建学校，合理划分学区"),
    ("农村公路养护", "路面坑槽多，养护资金不足", "设立公益性养护岗位，落实路长制"),
    ("互助养老", "留守老人无人照料", "建设互助幸福院，给予运营补贴"),
    ("全域旅游", "景区分散，缺乏品牌宣传", "编制旅游规划，打造精品线路"),
    ("乡镇卫生院", "设备陈旧，医生缺乏", "建设县域医共体，医生下沉坐诊"),
    ("垃圾治理", "收集点少，清运不及时", "建立村收集镇转运县处理体系"),
    ("停车难", "停车位不足，乱停乱放", "建设立体停车场，推行智慧停车"),
    ("农产品冷链", "缺少冷库，损耗大", "在产区建设冷库，发展电商"),
    ("非遗保护", "传承人年龄大，后继乏人", "建立传承基地，推动非遗进校园"),
    ("电动车充电", "入户充电，火灾隐患", "建设集中充电棚，加强消防宣传"),
    ("老旧小区改造", "管网老化，屋顶漏水", "纳入改造计划，引入物业服务"),
]
_EXTRA = ["群众反映强烈", "近年来问题突出", "亟待解决", "影响群众生活", "制约发展", "已多次反映", "涉及面广"]


def _text(rng: random.Random, i: int) -> tuple[str, str, str]:
    place = rng.choice(_PLACES)
    subject, problem, fix = rng.choice(_SUBJECTS)
    title = f"关于{place}{subject}问题的建议（{i}）"
    reason = f"{place}{problem}，{rng.choice(_EXTRA)}，{rng.choice(_EXTRA)}。"
    return title, reason, f"建议{fix}。"


def _timed_call(fn: Callable[[], Any], n: int) -> dict[str, float]:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "n": n,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }


def _similar_corpus(member: Any) -> tuple[Any, float]:
    """A committee with SIMILAR_CORPUS submitted proposals, indexed; returns it and the build time in s."""
    from luzhi.core import similarity
    from luzhi.org.models import Committee
    from luzhi.proposals.models import Proposal
    from luzhi.proposals.selectors import SIMILARITY_NAMESPACE

    committee, _ = Committee.objects.get_or_create(name="相似检索基准县政协", defaults={"level": "county"})
    rng = random.Random(7)
    have = Proposal.objects.filter(committee=committee).count()
    start = time.perf_counter()
    batch = 5000
    for offset in range(have, SIMILAR_CORPUS, batch):
        texts = [_text(rng, i) for i in range(offset, min(offset + batch, SIMILAR_CORPUS))]
        rows = Proposal.objects.bulk_create(
            Proposal(
                committee=committee,
                lead=member,
                year=2016 + i % 10,
                title=t,
                reason=r,
                suggestions=s,
                status=Proposal.Status.ACCEPTED,
                number=i + 1,
            )
            for i, (t, r, s) in zip(range(offset, offset + len(texts)), texts, strict=True)
        )
        similarity.index_many(
            namespace=SIMILARITY_NAMESPACE,
            committee_id=committee.pk,
            items=[(p.pk, p.text, p.year) for p in rows],
        )
    return committee, time.perf_counter() - start


def _office_year(county: Any, member: Any) -> None:
    from luzhi.org.models import Unit
    from luzhi.proposals.models import Proposal, ProposalUnit

    if Proposal.objects.filter(committee=county, year=YEAR).count() >= YEAR_SIZE:
        return
    units = list(Unit.objects.filter(committee=county)[:20]) or [Unit.objects.create(committee=county, name="县教育局")]
    rng = random.Random(11)
    rows = Proposal.objects.bulk_create(
        Proposal(
            committee=county,
            lead=member,
            year=YEAR,
            number=i + 1,
            title=_text(rng, i)[0],
            reason="案由",
            suggestions="建议",
            category=rng.choice(list(Proposal.Category.values)),
            status=rng.choice([Proposal.Status.ASSIGNED, Proposal.Status.REPLIED, Proposal.Status.CLOSED]),
            due_date=None,
            replied_on_time=rng.random() < 0.8,
            rating=rng.choice(["satisfied", "basically_satisfied", "unsatisfied", ""]),
        )
        for i in range(YEAR_SIZE)
    )
    ProposalUnit.objects.bulk_create(
        ProposalUnit(proposal=p, unit=units[i % len(units)], role=ProposalUnit.Role.LEAD) for i, p in enumerate(rows)
    )


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from django.core.management import call_command

    from luzhi.accounts.models import User
    from luzhi.core import similarity
    from luzhi.org.models import Committee, Member
    from luzhi.proposals.selectors import SIMILARITY_NAMESPACE

    call_command("demo_data", verbosity=0, stdout=io.StringIO())
    county = Committee.objects.get(name="示例县政协")
    member = Member.objects.filter(committee=county).first()
    _office_year(county, member)
    office = Client()
    office.force_login(User.objects.get(username="office"))
    results = {
        f"office list /api/v1/proposals/?year={YEAR} ({YEAR_SIZE} in the year)": timed(
            office, f"/api/v1/proposals/?year={YEAR}", 50
        ),
        f"office list page /proposals/?year={YEAR}": timed(office, f"/proposals/?year={YEAR}", 50),
        f"stats /api/v1/proposals/stats/?year={YEAR}": timed(office, f"/api/v1/proposals/stats/?year={YEAR}", 50),
    }

    big, build_s = _similar_corpus(Member.objects.create(committee=county, name="基准委员"))
    similarity.forget_loaded()
    start = time.perf_counter()
    similarity.find_similar(namespace=SIMILARITY_NAMESPACE, committee_id=big.pk, text="饮水", limit=5)
    load_s = time.perf_counter() - start
    rng = random.Random(3)
    queries = [" ".join(_text(rng, i)) for i in range(200)]
    it = iter(queries * 10)
    results[f"similar search, {SIMILAR_CORPUS} proposals (core.similarity.find_similar)"] = _timed_call(
        lambda: similarity.find_similar(namespace=SIMILARITY_NAMESPACE, committee_id=big.pk, text=next(it), limit=5),
        200,
    )
    index = similarity._indexes[(SIMILARITY_NAMESPACE, big.pk)]
    slots = len(index.slot_object)
    start = time.perf_counter()
    similarity.index_text(
        namespace=SIMILARITY_NAMESPACE, committee_id=big.pk, object_id=10**12, text="关于建设县城冰雪运动场馆的建议"
    )
    found = similarity.find_similar(namespace=SIMILARITY_NAMESPACE, committee_id=big.pk, text="冰雪运动场馆", limit=1)
    add_ms = (time.perf_counter() - start) * 1000
    assert found and found[0][0] == 10**12
    assert similarity._indexes[(SIMILARITY_NAMESPACE, big.pk)] is index and len(index.slot_object) == slots + 1
    # One-off timings in the table's columns: the figure itself under p50, p95 and max.
    for name, ms in {
        "add one proposal, then find it (incremental, no rebuild)": add_ms,
        "index build: tokenise + store 100k (ms)": build_s * 1000,
        "cold load of the 100k index into memory (ms)": load_s * 1000,
    }.items():
        results[name] = {"n": 1, "p50_ms": round(ms, 2), "p95_ms": round(ms, 2), "max_ms": round(ms, 2)}
    return results
