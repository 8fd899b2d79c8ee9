"""The one text-similarity component: "is there already a proposal / report like this one?"

Chinese-aware and lexical: a text becomes jieba words (with a small table of common
synonyms folded together) plus character bigrams of its Chinese runs, so a rewording,
a reordering or a new title still shares most of its terms. Terms are TF-IDF weighted
and texts compared by cosine, giving a score in 0..1.

Storage and speed:
- the terms of each text are stored in `core.TextIndexEntry`, so the index survives
  restarts and every app server sees the same texts;
- each process keeps, per (namespace, committee), an in-memory inverted index that is
  loaded on first use and then kept current incrementally: one query per search tells
  whether any server wrote since, and only the new rows are read. Adding one text never
  rebuilds the index.

The interface is `index_text`, `remove_text` and `find_similar`; a semantic scorer can
be put behind the same three functions later without touching callers.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max

from luzhi.core.models import TextIndexEntry

MAX_CHARS = 4000  # only the beginning of a very long text is indexed: its subject is stated early
CANDIDATE_BUDGET = 80_000  # postings read per search before candidates are ranked exactly
CANDIDATES = 200
COMMON_SHARE = 0.05  # terms in more than this share of texts do not find candidates (they still score)
COMMON_MIN = 200

# Words every proposal uses; they say nothing about its subject.
_STOP_WORDS_TEXT = (
    "建议 提案 关于 我县 我市 我区 全县 全市 全区 问题 加强 进一步 工作 情况 目前 存在 相关 有关 部门 "
    "政府 推进 推动 提高 提升 做好 切实 积极 不断 以及 一些 部分 没有 进行 通过 需要 应当 可以 实现 "
    "方面 主要 当前 同时 其中 这些 我们 他们 一是 二是 三是 四是 五是 一个 今年 近年来 群众 相关部门"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Synonyms of county-government writing folded to one word (each line: the word, then its synonyms).
_SYNONYM_LINES = """
老人 老年人 老年 长者 银发
养老 敬老 助老
农村 乡村 村庄 农村地区
农民 村民
学校 校园
学生 学子 中小学生
教师 老师 教职工
道路 公路 马路 路面
乡镇 镇村
修缮 维修 修复 整修
改造 翻新
饮水 饮用水 供水 用水
污水 废水
垃圾 废弃物
旅游 文旅 旅游业
景区 景点
医院 卫生院
医生 医师 医务人员
就业 就业岗位
企业 公司 厂家
停车 泊车
安全隐患 隐患
资金 经费
补贴 补助
儿童 孩子 少年儿童
留守 留守儿童
电商 电子商务
快递 物流
""".strip().splitlines()
SYNONYMS = {syn: line.split()[0] for line in _SYNONYM_LINES for syn in line.split()[1:]}

_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[\u3400-\u9fffa-z0-9]")
_jieba_lock = threading.Lock()


def _jieba():  # noqa: ANN202 - the jieba module
    import jieba

    with _jieba_lock:
        if not jieba.dt.initialized:
            jieba.setLogLevel(60)
            jieba.initialize()
    return jieba


def tokenize(text: str) -> Counter[str]:
    """Return the terms of a text with their counts: words (synonyms folded) and CJK bigrams."""
    text = unicodedata.normalize("NFKC", text or "")[:MAX_CHARS].lower()
    terms: Counter[str] = Counter()
    for word in _jieba().lcut(text):
        if len(word) >= 2 and _WORD.search(word) and word not in STOP_WORDS:
            terms["w" + SYNONYMS.get(word, word)] += 1
    for run in _CJK.findall(text):
        for i in range(len(run) - 1):
            terms[run[i : i + 2]] += 1
    return terms


@dataclass
class _Index:
    """The in-memory inverted index of one (namespace, committee)."""

    vocab: dict[str, int] = field(default_factory=dict)
    postings: list[tuple[array, array]] = field(default_factory=list)  # term id → (slots, tfs)
    slot_object: array = field(default_factory=lambda: array("q"))  # slot → object id, -1 when dead
    slot_terms: list[tuple[array, array] | None] = field(default_factory=list)
    slot_norm: array = field(default_factory=lambda: array("d"))
    objects: dict[int, tuple[int | None, int]] = field(default_factory=dict)  # object → (slot, entry id)
    live: int = 0
    max_entry: int = 0
    signature: tuple = ()
    lock: threading.Lock = field(default_factory=threading.Lock)

    def idf(self, term_id: int) -> float:
        df = len(self.postings[term_id][0])
        return math.log((self.live + 1) / (df + 1)) + 1.0

    def kill(self, object_id: int) -> None:
        slot, _ = self.objects.pop(object_id, (None, 0))
        if slot is not None:
            self.slot_object[slot] = -1
            self.slot_terms[slot] = None
            self.live -= 1

    def add(self, entry_id: int, object_id: int, terms: dict[str, int] | None) -> None:
        self.kill(object_id)
        self.max_entry = max(self.max_entry, entry_id)
        if not terms:
            self.objects[object_id] = (None, entry_id)
            return
        slot = len(self.slot_object)
        ids, tfs = array("I"), array("B")
        for term, tf in terms.items():
            tid = self.vocab.get(term)
            if tid is None:
                tid = self.vocab[term] = len(self.postings)
                self.postings.append((array("I"), array("B")))
            p_slots, p_tfs = self.postings[tid]
            p_slots.append(slot)
            p_tfs.append(min(int(tf), 255))
            ids.append(tid)
            tfs.append(min(int(tf), 255))
        self.slot_object.append(object_id)
        self.slot_terms.append((ids, tfs))
        self.live += 1
        self.slot_norm.append(self._norm(ids, tfs))
        self.objects[object_id] = (slot, entry_id)

    def _norm(self, ids: array, tfs: array) -> float:
        return math.sqrt(sum(((1 + math.log(tf)) * self.idf(t)) ** 2 for t, tf in zip(ids, tfs, strict=True))) or 1.0

    def renormalise(self) -> None:
        for slot, pair in enumerate(self.slot_terms):
            if pair is not None:
                self.slot_norm[slot] = self._norm(*pair)

    def search(self, query: Counter[str], limit: int, exclude: int | None) -> list[tuple[int, float]]:
        weights = {}
        for term, tf in query.items():
            tid = self.vocab.get(term)
            if tid is not None and self.postings[tid][0]:
                weights[tid] = (1 + math.log(tf)) * self.idf(tid)
        # The query's own norm counts the terms no indexed text has, so a text of another subject scores low.
        q_norm = math.sqrt(
            sum(w * w for w in weights.values())
            + sum(
                ((1 + math.log(tf)) * (math.log(self.live + 1) + 1.0)) ** 2
                for t, tf in query.items()
                if t not in self.vocab
            )
        )
        if not weights or q_norm == 0:
            return []
        # Rarest terms first: they find the candidates; the common ones only refine the exact score.
        # A term in more than COMMON_SHARE of the texts adds little to the cosine and costs the most
        # to read, so it finds candidates only when nothing rarer did.
        idf = {tid: self.idf(tid) for tid in weights}
        common = max(COMMON_MIN, int(self.live * COMMON_SHARE))
        acc: dict[int, float] = {}
        budget = CANDIDATE_BUDGET
        for tid in sorted(weights, key=lambda t: len(self.postings[t][0])):
            slots, tfs = self.postings[tid]
            if (len(slots) > budget or len(slots) > common) and acc:
                break
            budget -= len(slots)
            w = weights[tid] * idf[tid]
            get = acc.get
            for slot, tf in zip(slots, tfs, strict=True):
                acc[slot] = get(slot, 0.0) + w * (1 + math.log(tf) if tf > 1 else 1.0)
        norms = self.slot_norm
        best = heapq.nlargest(CANDIDATES, acc, key=lambda s: acc[s] / norms[s])
        scored = []
        for slot in best:
            obj = self.slot_object[slot]
            pair = self.slot_terms[slot]
            if obj < 0 or obj == exclude or pair is None:
                continue
            # The exact dot product over all shared terms; the text's norm was kept when it was added.
            ids, tfs = pair
            dot = 0.0
            for tid, tf in zip(ids, tfs, strict=True):
                q_w = weights.get(tid)
                if q_w is not None:
                    dot += q_w * (1 + math.log(tf) if tf > 1 else 1.0) * idf[tid]
            if dot > 0:
                scored.append((obj, min(1.0, dot / (q_norm * norms[slot]))))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:limit]


_indexes: dict[tuple[str, int], _Index] = {}
_indexes_lock = threading.Lock()


def _rows(namespace: str, committee_id: int):  # noqa: ANN202 - a queryset
    return TextIndexEntry.objects.filter(namespace=namespace, committee_id=committee_id)


def _signature(namespace: str, committee_id: int) -> tuple:
    agg = _rows(namespace, committee_id).aggregate(n=Count("id"), top=Max("id"), at=Max("created_at"))
    return agg["n"], agg["top"] or 0, agg["at"]


def _current(namespace: str, committee_id: int) -> _Index:
    """Return the in-memory index of (namespace, committee), brought up to date with the database."""
    with _indexes_lock:
        index = _indexes.setdefault((namespace, committee_id), _Index())
    signature = _signature(namespace, committee_id)
    if signature == index.signature:
        return index
    with index.lock:
        if signature == index.signature:
            return index
        count = signature[0]
        # Rows committed out of id order land just below the newest seen id: re-read a margin.
        margin = 1000 if index.signature else None
        rows = _rows(namespace, committee_id).order_by("id").values_list("id", "object_id", "terms")
        if margin is not None:
            rows = rows.filter(id__gt=max(0, index.max_entry - margin))
        before = index.live
        for entry_id, object_id, terms in rows.iterator(chunk_size=2000):
            if index.objects.get(object_id, (None, 0))[1] != entry_id:
                index.add(entry_id, object_id, terms)
        if len(index.objects) != count:
            # Some rows were deleted or missed beyond the margin: start again from the database.
            fresh = _Index()
            with _indexes_lock:
                _indexes[(namespace, committee_id)] = fresh
            return _current(namespace, committee_id)
        # Weights drift as texts are added; rescale once the collection has grown by a fifth.
        if margin is None or index.live > max(before, 1) * 1.2:
            index.renormalise()
        index.signature = signature
    return index


def _replace_row(*, namespace: str, committee_id: int, object_id: int, year: int | None, terms: dict | None) -> None:
    _rows(namespace, committee_id).filter(object_id=object_id).delete()
    TextIndexEntry.objects.create(
        namespace=namespace, committee_id=committee_id, object_id=object_id, year=year, terms=terms
    )


@transaction.atomic
def index_text(*, namespace: str, committee_id: int, object_id: int, text: str, year: int | None = None) -> None:
    """Store (or replace) the text of one object; searches see it once the transaction commits."""
    terms = dict(tokenize(text))
    _replace_row(namespace=namespace, committee_id=committee_id, object_id=object_id, year=year, terms=terms)


@transaction.atomic
def remove_text(*, namespace: str, committee_id: int, object_id: int) -> None:
    """Take one object out of the searches."""
    if _rows(namespace, committee_id).filter(object_id=object_id, terms__isnull=False).exists():
        _replace_row(namespace=namespace, committee_id=committee_id, object_id=object_id, year=None, terms=None)


def index_many(*, namespace: str, committee_id: int, items: list[tuple[int, str, int | None]]) -> None:
    """Store many (object id, text, year) at once — for imports and benchmarks, not for edits."""
    ids = [object_id for object_id, _, _ in items]
    with transaction.atomic():
        _rows(namespace, committee_id).filter(object_id__in=ids).delete()
        TextIndexEntry.objects.bulk_create(
            [
                TextIndexEntry(
                    namespace=namespace,
                    committee_id=committee_id,
                    object_id=object_id,
                    year=year,
                    terms=dict(tokenize(text)),
                )
                for object_id, text, year in items
            ],
            batch_size=1000,
        )


def find_similar(
    *, namespace: str, committee_id: int, text: str, limit: int = 5, exclude_id: int | None = None
) -> list[tuple[int, float]]:
    """Return up to `limit` (object id, score 0..1) most similar to text, best first."""
    query = tokenize(text)
    if not query or limit <= 0:
        return []
    index = _current(namespace, committee_id)
    with index.lock:
        return index.search(query, limit, exclude_id)


def forget_loaded() -> None:
    """Drop every in-memory index (tests; the next search reloads from the database)."""
    with _indexes_lock:
        _indexes.clear()
