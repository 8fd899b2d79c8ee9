"""Concurrent writers on SQLite, the way `make run` serves it (gunicorn, 2 workers × 4 threads).

A copy of the test database is served from a temporary file; 20 members create grassroots
records and the office accepts 6 proposals, all released at once. Writers must wait their turn
(WAL, immediate transactions, busy timeout): no 5xx at all, every create saved exactly once,
and the accepted proposals numbered 1..6.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from luzhi.accounts.services import device_token_create
from luzhi.proposals.models import Proposal
from tests.proposals.factories import ProposalFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's writer lock is under test; the SQLite pass of CI runs it"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
CREATES = 20
ACCEPTS = 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(url: str, token: str, body: dict[str, Any]) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def served_copy(tmp_path: Path, committee: Any, make_user: Any) -> Any:
    """The test database (committee, 20 members, an office user, 6 submitted proposals) copied to a file and served."""
    members = [make_user("member", committee) for _ in range(CREATES)]
    office = make_user("office", committee)
    proposals = [
        ProposalFactory(committee=committee, lead=members[i].member, status=Proposal.Status.SUBMITTED)
        for i in range(ACCEPTS)
    ]
    tokens = {user.pk: device_token_create(user=user, name="test")[1] for user in [*members, office]}
    database = tmp_path / "luzhi.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(database) as target:
        connection.connection.backup(target)
    target.close()
    (tmp_path / "var").mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{database}",
        "LUZHI_VAR_DIR": str(tmp_path / "var"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "gunicorn.log"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # The production `make run` command: 2 workers × 4 threads.
    command = [str(GUNICORN), "luzhi.wsgi", "-c", "luzhi/conf/gunicorn.py", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--threads", "4"]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{base}/healthz"):
            if server.poll() is not None:
                pytest.fail(f"gunicorn stopped: {log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.25)
        yield base, database, log, [tokens[m.pk] for m in members], tokens[office.pk], proposals
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_twenty_concurrent_writers_wait_their_turn_and_none_gets_a_500(served_copy: Any) -> None:
    base, database, log, members, office_token, proposals = served_copy
    calls: list[tuple[str, str, dict[str, Any]]] = [
        (f"{base}/api/v1/grassroots-records/", token, {"citizen": f"群众{i}", "demand": f"诉求{i}：路灯不亮"})
        for i, token in enumerate(members)
    ] + [
        (f"{base}/api/v1/proposals/{p.pk}/review/", office_token, {"decision": "accept", "reason": ""})
        for p in proposals
    ]
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, str] | None] = [None] * len(calls)

    def call(i: int) -> None:
        barrier.wait()
        answers[i] = _post(*calls[i])

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    creates, accepts = answers[:CREATES], answers[CREATES:]
    assert all(a is not None for a in answers), f"a request did not come back: {log.read_text()[-3000:]}"
    server_errors = [(a[0], a[1][:200]) for a in answers if a[0] >= 500]
    assert server_errors == [], (
        f"{len(server_errors)} of {len(answers)} writers got a 5xx: {server_errors[:3]}" + (log.read_text()[-3000:])
    )
    assert [a[0] for a in creates] == [201] * CREATES, creates
    assert [a[0] for a in accepts] == [200] * ACCEPTS, accepts

    with sqlite3.connect(database) as db:
        saved = db.execute("SELECT citizen, COUNT(*) FROM opinions_grassrootsrecord GROUP BY citizen").fetchall()
        numbers = db.execute(
            "SELECT number FROM proposals_proposal WHERE status = 'accepted' ORDER BY number"
        ).fetchall()
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    db.close()
    assert sorted(saved) == sorted((f"群众{i}", 1) for i in range(CREATES)), "a create was lost or saved twice"
    assert [n for (n,) in numbers] == list(range(1, ACCEPTS + 1))
    assert journal == "wal"
