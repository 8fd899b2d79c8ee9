"""The one text-similarity component: "is there already a proposal / report like this one?"

Chinese-aware and lexical: a text becomes jieba words (with a small table of common
synonyms folded together) plus character bigrams of its Chinese runs, so a rewording,
a reordering or a new title still shares most of its terms. Terms are TF-IDF weighted
and texts compared by cosine, giving a score in 0..1.

Storage and speed:
- the terms of each text are stored in `core.TextIndexEntry`, so the index survives
  restarts and every app server sees the same texts;
- each process keeps, per (namespace, committee), an in-memory inverted index that is
  loaded on first use (or at a server worker's start: `start_warm_up`) and then kept
  current incrementally: one index-only query per search reads the newest entry id, and
  only rows newer than the last seen are read. Adding one text never rebuilds the index;
- a search reads the postings of its rarest terms first, up to POSTINGS_BUDGET, to find
  candidates, then scores the best CANDIDATES exactly by cosine over all shared terms.

The interface is `index_text`, `remove_text` and `find_similar`; a semantic scorer can
be put behind the same three functions later without touching callers.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import threading
import time
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet

from luzhi.core.models import TextIndexEntry

MAX_CHARS = 4000  # only the beginning of a very long text is indexed: its subject is stated early
POSTINGS_BUDGET = 12_000  # postings read per search to find candidates, rarest terms first
CANDIDATES = 200  # candidates scored exactly
COMMON_SHARE = 0.05  # terms in more than this share of texts do not find candidates (they still score)
COMMON_MIN = 200
MARGIN = 1000  # ids below the newest seen that are listed again: rows committed out of id order
RECHECK_SECONDS = 10.0
VERIFY_SECONDS = 300.0

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

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[\u3400-\u9fffa-z0-9]")
_jieba_lock = threading.Lock()


def _jieba() -> Any:  # the jieba module (untyped)
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


# 1 + log(tf): the weight of a term seen tf times in one text (tf is capped at 255).
_TF_WEIGHT = [0.0] + [1.0 + math.log(tf) for tf in range(1, 256)]


@dataclass
class _Index:
    """The in-memory inverted index of one (namespace, committee)."""

    vocab: dict[str, int] = field(default_factory=dict)
    post_slots: list[array[int]] = field(default_factory=list)  # term id → slots of the texts that have it
    post_tfs: list[array[int]] = field(default_factory=list)  # term id → its count in each of those texts
    slot_object: array[int] = field(default_factory=lambda: array("q"))  # slot → object id, -1 when dead
    slot_terms: list[tuple[array[int], array[int]] | None] = field(default_factory=list)
    slot_norm: array[float] = field(default_factory=lambda: array("d"))
    objects: dict[int, tuple[int | None, int]] = field(default_factory=dict)  # object → (slot, entry id)
    live: int = 0
    max_entry: int = 0  # the newest entry applied
    top: int = -1  # the newest entry id the database had at the last check
    loaded: bool = False
    rechecked_at: float = 0.0  # monotonic time of the last look below the newest id
    verified_at: float = 0.0  # monotonic time of the last row count
    warming: bool = False  # a background warm-up will load it: searches do not wait
    lock: threading.Lock = field(default_factory=threading.Lock)

    def idf(self, term_id: int) -> float:
        return math.log((self.live + 1) / (len(self.post_slots[term_id]) + 1)) + 1.0

    def kill(self, object_id: int) -> None:
        slot, _ = self.objects.pop(object_id, (None, 0))
        if slot is not None:
            self.slot_object[slot] = -1
            self.slot_terms[slot] = None
            self.live -= 1

    def add(self, entry_id: int, object_id: int, terms: dict[str, int] | None, *, norm: bool = True) -> None:
        """Add (or replace) the text of one object; with norm=False the caller renormalises afterwards."""
        self.kill(object_id)
        self.max_entry = max(self.max_entry, entry_id)
        if not terms:
            self.objects[object_id] = (None, entry_id)
            return
        slot = len(self.slot_object)
        ids, tfs = array("I"), array("B")
        vocab, post_slots, post_tfs = self.vocab, self.post_slots, self.post_tfs
        for term, tf in terms.items():
            tid = vocab.get(term)
            if tid is None:
                tid = vocab[term] = len(post_slots)
                post_slots.append(array("I"))
                post_tfs.append(array("B"))
            tf = min(int(tf), 255)
            post_slots[tid].append(slot)
            post_tfs[tid].append(tf)
            ids.append(tid)
            tfs.append(tf)
        self.slot_object.append(object_id)
        self.slot_terms.append((ids, tfs))
        self.live += 1
        self.slot_norm.append(self._norm(ids, tfs) if norm else 1.0)
        self.objects[object_id] = (slot, entry_id)

    def _norm(self, ids: array[int], tfs: array[int]) -> float:
        post_slots, tf_weight = self.post_slots, _TF_WEIGHT
        log_n = math.log(self.live + 1) + 1.0
        log = math.log
        total = 0.0
        for tid, tf in zip(ids, tfs, strict=True):
            w = tf_weight[tf] * (log_n - log(len(post_slots[tid]) + 1))
            total += w * w
        return math.sqrt(total) or 1.0

    def renormalise(self) -> None:
        # idf of every term once, then each text's norm from the table.
        log_n = math.log(self.live + 1) + 1.0
        log = math.log
        idf = [log_n - log(len(slots) + 1) for slots in self.post_slots]
        tf_weight = _TF_WEIGHT
        norms = self.slot_norm
        for slot, pair in enumerate(self.slot_terms):
            if pair is not None:
                total = 0.0
                for tid, tf in zip(*pair, strict=True):
                    w = tf_weight[tf] * idf[tid]
                    total += w * w
                norms[slot] = math.sqrt(total) or 1.0

    def search(self, query: Counter[str], limit: int, exclude: int | None) -> list[tuple[int, float]]:
        vocab, post_slots, post_tfs, tf_weight = self.vocab, self.post_slots, self.post_tfs, _TF_WEIGHT
        log_n = math.log(self.live + 1) + 1.0
        weights: dict[int, float] = {}  # term id → the query's tf-idf weight
        idf: dict[int, float] = {}
        # The query's own norm counts the terms no indexed text has, so a text of another subject scores low.
        q_sq = 0.0
        for term, tf in query.items():
            tid = vocab.get(term)
            df = len(post_slots[tid]) if tid is not None else 0
            term_idf = log_n - math.log(df + 1)
            w = tf_weight[min(tf, 255)] * term_idf
            q_sq += w * w
            if tid is not None and df:
                weights[tid] = w
                idf[tid] = term_idf
        if not weights or q_sq == 0:
            return []
        q_norm = math.sqrt(q_sq)
        # Rarest terms first: they find the candidates; the common ones only refine the exact score.
        # Reading stops at POSTINGS_BUDGET postings or at a term in more than COMMON_SHARE of the
        # texts (it adds little to the cosine and costs the most to read) once something was found.
        common = max(COMMON_MIN, int(self.live * COMMON_SHARE))
        acc: dict[int, float] = {}
        get = acc.get
        budget = POSTINGS_BUDGET
        for tid in sorted(weights, key=lambda t: len(post_slots[t])):
            slots = post_slots[tid]
            if acc and (len(slots) > budget or len(slots) > common):
                break
            budget -= len(slots)
            w = weights[tid] * idf[tid]
            by_tf = [w * x for x in tf_weight[:8]]  # counts above 7 are rare: computed when met
            for slot, tf in zip(slots, post_tfs[tid], strict=True):
                acc[slot] = get(slot, 0.0) + (by_tf[tf] if tf < 8 else w * tf_weight[tf])
        norms = self.slot_norm
        best = heapq.nlargest(CANDIDATES, acc.items(), key=lambda kv: kv[1] / norms[kv[0]])
        scored = []
        slot_object, slot_terms = self.slot_object, self.slot_terms
        q_get = weights.get
        for slot, _ in best:
            obj = slot_object[slot]
            pair = slot_terms[slot]
            if obj < 0 or obj == exclude or pair is None:
                continue
            # The exact dot product over all shared terms; the text's norm was kept when it was added.
            dot = 0.0
            for tid, tf in zip(*pair, strict=True):
                q_w = q_get(tid)
                if q_w is not None:
                    dot += q_w * tf_weight[tf] * idf[tid]
            if dot > 0:
                scored.append((obj, min(1.0, dot / (q_norm * norms[slot]))))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:limit]


_indexes: dict[tuple[str, int], _Index] = {}
_indexes_lock = threading.Lock()


def _rows(namespace: str, committee_id: int) -> QuerySet[TextIndexEntry]:
    return TextIndexEntry.objects.filter(namespace=namespace, committee_id=committee_id)


def _newest(namespace: str, committee_id: int) -> int:
    """The newest entry id of (namespace, committee): one index-only look-up."""
    return _rows(namespace, committee_id).order_by("-id").values_list("id", flat=True).first() or 0


def _apply(index: _Index, rows: Iterable[tuple[int, int, Any]], *, norm: bool) -> None:  # (id, object, terms) rows
    objects = index.objects
    for entry_id, object_id, terms in rows:
        if objects.get(object_id, (None, 0))[1] != entry_id:
            index.add(entry_id, object_id, terms, norm=norm)


def _load(index: _Index, namespace: str, committee_id: int) -> None:
    """Read every row into an empty index; the norms are computed once at the end."""
    rows = _rows(namespace, committee_id).order_by("id").values_list("id", "object_id", "terms")
    _apply(index, rows.iterator(chunk_size=5000), norm=False)
    index.renormalise()
    index.loaded = True


def _catch_up(index: _Index, namespace: str, committee_id: int) -> None:
    """Apply the rows written since the last look, without reading the others' terms.

    Rows committed out of id order can land just below the newest id seen: the ids in a margin
    below it are listed (an index-only read) and only the unknown ones are fetched with terms.
    """
    known = index.objects
    recent = (
        _rows(namespace, committee_id).filter(id__gt=max(0, index.max_entry - MARGIN)).values_list("id", "object_id")
    )
    new = [entry_id for entry_id, object_id in recent if known.get(object_id, (None, 0))[1] != entry_id]
    if new:
        before = index.live
        rows = _rows(namespace, committee_id).filter(id__in=new).order_by("id").values_list("id", "object_id", "terms")
        _apply(index, rows, norm=True)
        # Weights drift as texts are added; rescale once the collection has grown by a fifth.
        if index.live > max(before, 1) * 1.2:
            index.renormalise()


def _current(namespace: str, committee_id: int, *, warming: bool = False) -> _Index | None:
    """Return the in-memory index of (namespace, committee), brought up to date with the database.

    A search costs one index-only query (the newest entry id) when nothing was written. Every
    RECHECK_SECONDS the ids just below the newest are listed again (a late commit), and every
    VERIFY_SECONDS the rows are counted: a mismatch (rows deleted by hand) reloads from scratch.
    None while a background warm-up has yet to load it.
    """
    key = (namespace, committee_id)
    with _indexes_lock:
        index = _indexes.setdefault(key, _Index())
    top = _newest(namespace, committee_id)
    now = time.monotonic()
    if index.loaded and top == index.top and now - index.rechecked_at < RECHECK_SECONDS:
        return index
    if index.warming and not index.loaded and not warming:
        return None
    with index.lock:
        if index.loaded and top == index.top and now - index.rechecked_at < RECHECK_SECONDS:
            return index
        if not index.loaded:
            _load(index, namespace, committee_id)
            index.verified_at = now
        else:
            _catch_up(index, namespace, committee_id)
            if now - index.verified_at >= VERIFY_SECONDS:
                if len(index.objects) != _rows(namespace, committee_id).count():
                    with _indexes_lock:
                        _indexes[key] = _Index()
                    return _current(namespace, committee_id)
                index.verified_at = now
        index.top = max(top, index.max_entry)
        index.rechecked_at = now
    return index


def warm_up() -> int:
    """Load every index of the database into this process; returns how many texts they hold.

    While it runs, a search of an index not loaded yet gets no hints instead of waiting for the
    load (hints are advisory; the form asks again as the member types).
    """
    pairs = list(TextIndexEntry.objects.order_by().values_list("namespace", "committee_id").distinct())
    indexes = []
    with _indexes_lock:
        for pair in pairs:
            index = _indexes.setdefault(pair, _Index())
            index.warming = True
            indexes.append(index)
    try:
        total = 0
        for namespace, committee_id in pairs:
            current = _current(namespace, committee_id, warming=True)
            total += current.live if current else 0
        return total
    finally:
        for index in indexes:
            index.warming = False


def start_warm_up(then: Callable[[], object] | None = None) -> threading.Thread:
    """Run warm_up, then `then`, in a background thread (a server worker's start; see luzhi/conf/gunicorn.py)."""

    def run() -> None:
        try:
            warm_up()
            if then is not None:
                then()
        except Exception:  # a failed warm-up only means the first search loads the index itself
            logger.exception("similarity warm-up failed")
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=run, name="luzhi-similarity-warm-up", daemon=True)
    thread.start()
    return thread


def _replace_row(
    *, namespace: str, committee_id: int, object_id: int, year: int | None, terms: dict[str, int] | None
) -> None:
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
    if index is None:
        return []
    with index.lock:
        return index.search(query, limit, exclude_id)


def find_similar_many(
    *, namespace: str, committee_id: int, texts: dict[Any, tuple[str, int | None]], limit: int = 5
) -> dict[Any, list[tuple[int, float]]]:
    """find_similar for several (text, id to leave out) at once: the index is brought up to date once."""
    found: dict[Any, list[tuple[int, float]]] = {key: [] for key in texts}
    queries = {key: (query, exclude) for key, (text, exclude) in texts.items() if (query := tokenize(text))}
    if not queries or limit <= 0:
        return found
    index = _current(namespace, committee_id)
    if index is None:
        return found
    with index.lock:
        for key, (query, exclude) in queries.items():
            found[key] = index.search(query, limit, exclude)
    return found


def forget_loaded() -> None:
    """Drop every in-memory index (tests; the next search reloads from the database)."""
    with _indexes_lock:
        _indexes.clear()
