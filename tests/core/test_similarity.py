"""core.similarity: paraphrases are found, unrelated texts stay below 0.3, the index persists and grows."""

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luzhi.core import similarity
from luzhi.core.models import TextIndexEntry

DATA = Path(__file__).resolve().parent.parent / "data" / "similar_proposals.txt"
NS = "test"


def labelled() -> list[dict[str, Any]]:
    rows = []
    for i, line in enumerate(x for x in DATA.read_text(encoding="utf-8").splitlines() if x and not x.startswith("#")):
        topic, group, kind, title, text = line.split("|")
        rows.append({"id": i + 1, "topic": topic, "group": group, "kind": kind, "text": f"{title}\n{text}"})
    return rows


@pytest.fixture
def corpus(db: Any) -> list[dict[str, Any]]:
    similarity.forget_loaded()
    rows = labelled()
    for row in rows:
        similarity.index_text(namespace=NS, committee_id=1, object_id=row["id"], text=row["text"], year=2024)
    return rows


def test_labelled_set_is_big_enough() -> None:
    rows = labelled()
    assert len(rows) >= 100
    assert sum(r["kind"] == "p" for r in rows) >= 30


def test_recall_at_5_on_paraphrases(corpus: list[dict[str, Any]]) -> None:
    originals = {r["group"]: r["id"] for r in corpus if r["kind"] == "o"}
    queries = [r for r in corpus if r["kind"] == "p"]
    hits = 0
    for q in queries:
        found = similarity.find_similar(namespace=NS, committee_id=1, text=q["text"], limit=5, exclude_id=q["id"])
        hits += originals[q["group"]] in [obj for obj, _ in found]
    assert hits / len(queries) >= 0.9


def test_unrelated_topics_never_score_above_0_3(corpus: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in corpus}
    worst = 0.0
    for q in corpus:
        for obj, score in similarity.find_similar(namespace=NS, committee_id=1, text=q["text"], limit=20):
            assert 0.0 <= score <= 1.0
            if by_id[obj]["topic"] != q["topic"]:
                worst = max(worst, score)
    assert worst <= 0.3


def test_rewritten_proposal_ranks_first(corpus: list[dict[str, Any]]) -> None:
    text = (
        "为乡村老年人提供互助养老服务的建议\n子女在外务工，村里的老人缺少照料。"
        "建议给予运营补助，组织低龄老人照顾高龄老人，把闲置村部改成互助幸福院。"
    )
    found = similarity.find_similar(namespace=NS, committee_id=1, text=text, limit=5)
    original = next(r["id"] for r in corpus if r["group"] == "o1" and r["kind"] == "o")
    assert found[0][0] in {original, original + 1}
    assert found[0][1] > 0.3
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_unrelated_query_scores_low(corpus: list[dict[str, Any]]) -> None:
    found = similarity.find_similar(
        namespace=NS, committee_id=1, text="关于举办篮球联赛丰富职工业余生活的建议", limit=5
    )
    assert all(score <= 0.3 for _, score in found)


def test_adding_one_updates_without_reloading(corpus: list[dict[str, Any]]) -> None:
    similarity.find_similar(namespace=NS, committee_id=1, text="农村饮水安全", limit=1)
    index = similarity._indexes[(NS, 1)]
    slots_before = len(index.slot_object)
    similarity.index_text(
        namespace=NS, committee_id=1, object_id=999, text="关于修建县城滑雪场的建议：冰雪运动场地空白"
    )
    found = similarity.find_similar(namespace=NS, committee_id=1, text="县城冰雪运动滑雪场", limit=1)
    assert found[0][0] == 999
    assert similarity._indexes[(NS, 1)] is index  # the same index, grown by one slot, not rebuilt
    assert len(index.slot_object) == slots_before + 1


def test_index_survives_a_restart_and_removal(corpus: list[dict[str, Any]]) -> None:
    text = corpus[0]["text"]
    similarity.forget_loaded()  # a new process, or another app server
    assert similarity.find_similar(namespace=NS, committee_id=1, text=text, limit=1)[0][0] == corpus[0]["id"]
    similarity.remove_text(namespace=NS, committee_id=1, object_id=corpus[0]["id"])
    found = similarity.find_similar(namespace=NS, committee_id=1, text=text, limit=5)
    assert corpus[0]["id"] not in [obj for obj, _ in found]
    # The re-index replaces the one row of the object.
    similarity.index_text(namespace=NS, committee_id=1, object_id=corpus[0]["id"], text=text)
    assert TextIndexEntry.objects.filter(namespace=NS, committee_id=1, object_id=corpus[0]["id"]).count() == 1
    assert similarity.find_similar(namespace=NS, committee_id=1, text=text, limit=1)[0][0] == corpus[0]["id"]


def test_other_server_write_is_seen(corpus: list[dict[str, Any]]) -> None:
    similarity.find_similar(namespace=NS, committee_id=1, text="学校", limit=1)
    # Another app server wrote a row: this process's index is behind and notices on the next search.
    TextIndexEntry.objects.create(
        namespace=NS, committee_id=1, object_id=5000, terms=dict(similarity.tokenize("关于建设县城动物园的建议"))
    )
    assert similarity.find_similar(namespace=NS, committee_id=1, text="县城动物园建设", limit=1)[0][0] == 5000


def test_committees_and_namespaces_are_separate(corpus: list[dict[str, Any]]) -> None:
    assert similarity.find_similar(namespace=NS, committee_id=2, text=corpus[0]["text"]) == []
    assert similarity.find_similar(namespace="other", committee_id=1, text=corpus[0]["text"]) == []


def test_search_is_one_query_when_nothing_changed(corpus: list[dict[str, Any]]) -> None:
    similarity.find_similar(namespace=NS, committee_id=1, text="学校", limit=1)
    with CaptureQueriesContext(connection) as queries:
        similarity.find_similar(namespace=NS, committee_id=1, text="农村学校教师", limit=5)
    assert len(queries) == 1


def test_empty_and_punctuation_only_text() -> None:
    assert similarity.find_similar(namespace=NS, committee_id=1, text="") == []
    assert similarity.find_similar(namespace=NS, committee_id=1, text="，。！？") == []


def _rescan_now(monkeypatch: pytest.MonkeyPatch, *, count: bool) -> None:
    """Make the next search look below the newest id (and count the rows) instead of waiting for it."""
    monkeypatch.setattr(similarity, "RECHECK_SECONDS", 0.0)
    if count:
        monkeypatch.setattr(similarity, "VERIFY_SECONDS", 0.0)


def test_a_late_commit_below_the_newest_id_is_seen(
    corpus: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two writers: the one holding the lower id commits after the search saw the higher one.
    low = TextIndexEntry.objects.create(namespace=NS, committee_id=1, object_id=7001, terms={"x": 1})
    TextIndexEntry.objects.create(namespace=NS, committee_id=1, object_id=7002, terms={"y": 1})
    low_id = low.pk
    low.delete()
    similarity.find_similar(namespace=NS, committee_id=1, text="学校", limit=1)
    TextIndexEntry.objects.create(
        id=low_id, namespace=NS, committee_id=1, object_id=7001, terms=dict(similarity.tokenize("县城动物园建设"))
    )
    _rescan_now(monkeypatch, count=False)
    assert similarity.find_similar(namespace=NS, committee_id=1, text="县城动物园建设", limit=1)[0][0] == 7001


def test_rows_deleted_by_hand_leave_the_index(corpus: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    text = corpus[0]["text"]
    assert similarity.find_similar(namespace=NS, committee_id=1, text=text, limit=1)[0][0] == corpus[0]["id"]
    TextIndexEntry.objects.filter(namespace=NS, committee_id=1, object_id=corpus[0]["id"]).delete()
    _rescan_now(monkeypatch, count=True)
    assert corpus[0]["id"] not in [obj for obj, _ in similarity.find_similar(namespace=NS, committee_id=1, text=text)]


def test_warm_up_loads_every_index(corpus: list[dict[str, Any]]) -> None:
    similarity.index_text(namespace="other", committee_id=3, object_id=1, text="关于建设县城动物园的建议")
    similarity.forget_loaded()
    assert similarity.warm_up() == len(corpus) + 1
    assert similarity._indexes[(NS, 1)].loaded and similarity._indexes[("other", 3)].loaded
    with CaptureQueriesContext(connection) as queries:
        found = similarity.find_similar(namespace=NS, committee_id=1, text=corpus[0]["text"], limit=1)
    assert found[0][0] == corpus[0]["id"]
    assert len(queries) == 1  # the newest-id look-up: the index was already in memory


def test_a_search_during_the_warm_up_does_not_wait(corpus: list[dict[str, Any]]) -> None:
    similarity.forget_loaded()
    index = similarity._indexes.setdefault((NS, 1), similarity._Index())
    index.warming = True  # a background warm-up is about to load it
    assert similarity.find_similar(namespace=NS, committee_id=1, text=corpus[0]["text"]) == []
    assert not index.loaded
    index.warming = False
    found = similarity.find_similar(namespace=NS, committee_id=1, text=corpus[0]["text"], limit=1)
    assert found[0][0] == corpus[0]["id"]


def test_gunicorn_workers_freeze_start_up_objects_and_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from luzhi.conf import gunicorn

    calls = []
    monkeypatch.setattr(gunicorn.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(similarity, "start_warm_up", lambda then: calls.append(("warm_up", then)))
    gunicorn.post_worker_init(worker=None)
    assert calls == ["freeze", ("warm_up", gunicorn.gc.freeze)]
