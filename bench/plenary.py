"""The plenary benchmark (issue 14): a province plenary of 800 members logs in, signs in and votes.

Run by bench/load.py on the scale database with gunicorn serving it (`BENCH_ONLY=plenary` runs it
alone, beside /healthz), from one client address like a hall behind one network:

1. **Arrival**: 800 members, one every 75 ms (800 in 60 s), each logs in through the API token
   endpoint (its password hashed by the first of PASSWORD_HASHERS) and signs in with the code the
   door screen shows (fetched by the office every 2 s). Target p95 < 300 ms for each.
2. **Vote**: the office opens a secret resolution; the 800 cast a ballot each, one every 37.5 ms
   (800 in 30 s). Target p95 < 200 ms. The result must count 800 ballots.
3. Meanwhile three hall screens poll their fragment every second (target p95 < 50 ms) and
   /healthz is asked twice a second (what a light request sees during the storm).
4. **Mistyping**: 40 members type a wrong password, each followed by another member's right
   one, 4 a second: how many right ones the per-address failed-login budget
   (LUZHI_TOKEN_RATE) refuses (429).

The 800 members (`plenary-0001`…, password PASSWORD) are made once in the province committee
and reused; each run adds a new plenary meeting with its agenda and vote, and re-hashes the
password with the current first hasher (one hash, copied to every account).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = int(os.environ.get("BENCH_PLENARY_MEMBERS", "800"))
ARRIVAL_SECONDS = 60
VOTE_SECONDS = 30
SCREENS = 3
MISTYPES = 40
PASSWORD = "Plenary#2026bench"
TIMEOUT = 30  # seconds a member waits before giving up (status 0)
# The hasher of the members' stored passwords: default the first of PASSWORD_HASHERS; e.g.
# BENCH_PLENARY_HASHER=pbkdf2_sha256 measures the first logins after Argon2id was made the default
# (PBKDF2 checked, then the password re-hashed with Argon2id).
HASHER = os.environ.get("BENCH_PLENARY_HASHER", "default")

SETUP_SCRIPT = """
import json, os
from datetime import timedelta
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from axes.models import AccessAttempt
from luzhi.accounts.models import User
from luzhi.accounts.services import device_token_create
from luzhi.activities import votes
from luzhi.activities.models import Activity, AgendaItem, Attendance
from luzhi.org.models import Committee, Member

n = int(os.environ["BENCH_PLENARY_MEMBERS"])
committee = Committee.objects.filter(level="province").order_by("id").first()
office = User.objects.filter(committee=committee, role="office").order_by("id").first()
with transaction.atomic():
    have = Member.objects.filter(committee=committee, name__startswith="全会基准委员").count()
    Member.objects.bulk_create(
        Member(committee=committee, name=f"全会基准委员{i:04d}", gender="F" if i % 3 else "M")
        for i in range(have + 1, n + 1)
    )
    members = dict(
        Member.objects.filter(committee=committee, name__startswith="全会基准委员").values_list("name", "id")
    )
    names = {u: None for u in User.objects.filter(username__startswith="plenary-").values_list("username", flat=True)}
    User.objects.bulk_create(
        User(username=f"plenary-{i:04d}", role="member", committee=committee, member_id=members[f"全会基准委员{i:04d}"])
        for i in range(1, n + 1)
        if f"plenary-{i:04d}" not in names
    )
    hasher = os.environ["BENCH_PLENARY_HASHER"]
    hashed = make_password(os.environ["BENCH_PLENARY_PASSWORD"], hasher=hasher)
    User.objects.filter(username__startswith="plenary-").update(
        password=hashed, is_active=True, must_change_password=False
    )
    AccessAttempt.objects.filter(username__startswith="plenary-").delete()
    now = timezone.now()
    activity = Activity.objects.create(
        committee=committee, kind="plenary", title=f"政协第十三届第五次全体会议（基准 {now:%H:%M}）",
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=4), location="会议中心大礼堂",
    )
    Attendance.objects.bulk_create(
        Attendance(committee=committee, activity=activity, member_id=m) for m in sorted(members.values())[:n]
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(committee=committee, activity=activity, order=k, title=t, presenter=p, first_topic=k == 1)
        for k, t, p in [
            (1, "学习习近平总书记关于加强和改进人民政协工作的重要思想", "主席"),
            (2, "审议政协常务委员会工作报告", "副主席"),
            (3, "审议提案工作情况报告", "副主席"),
        ]
    )
    Activity.objects.filter(pk=activity.pk).update(current_item=activity.agenda.order_by("order").first())
    vote = votes.vote_create(
        actor=office,
        data={"activity": activity, "title": "关于政协常务委员会工作报告的决议", "kind": "resolution",
              "method": "secret", "threshold": "majority_of_electorate"},
    )
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(office.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = office.get_session_auth_hash()
store.set_expiry(3600)
store.save()
_, token = device_token_create(user=office, name="bench/plenary.py")
print(json.dumps({
    "committee": committee.name, "activity": activity.pk, "vote": vote.pk, "office_token": token,
    "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}", "hasher": hashed.split("$")[0],
    "usernames": [f"plenary-{i:04d}" for i in range(1, n + 1)],
}))
"""


def setup(url: str) -> dict[str, Any]:
    """Make (or reuse) the 800 members and their accounts; add today's plenary, agenda and vote."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "luzhi.settings",
        "BENCH_PLENARY_MEMBERS": str(MEMBERS),
        "BENCH_PLENARY_PASSWORD": PASSWORD,
        "BENCH_PLENARY_HASHER": HASHER,
    }
    out = subprocess.run(
        [sys.executable, "-c", SETUP_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Recorder:
    """Latencies and statuses of one kind of request, from many threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ms: list[float] = []
        self.statuses: dict[int, int] = {}
        self.first = self.last = 0.0

    def add(self, started: float, status: int) -> None:
        ended = time.perf_counter()
        with self.lock:
            self.ms.append((ended - started) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.first = self.first or started
            self.last = max(self.last, ended)

    def figures(self) -> dict[str, Any]:
        ms = sorted(self.ms)
        if not ms:
            return {"n": 0}

        def pct(p: float) -> float:
            return round(ms[min(len(ms) - 1, int(len(ms) * p))], 1)

        return {
            "n": len(ms),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": round(ms[-1], 1),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def _request(
    base: str, path: str, *, method: str = "GET", body: dict | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError):  # timed out or refused: status 0, counted as a failure
        return 0, b""


def _timed(recorder: Recorder, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
    started = time.perf_counter()
    status, payload = _request(*args, **kwargs)
    recorder.add(started, status)
    return status, payload


def _paced(jobs: list[Any], seconds: float, pool: ThreadPoolExecutor) -> float:
    """Start job k at k × seconds/len(jobs) (open loop: a slow answer does not slow the arrivals)."""
    t0 = time.perf_counter()
    step = seconds / len(jobs)

    def at(k: int, job: Any) -> None:
        delay = t0 + k * step - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        job()

    futures = [pool.submit(at, k, job) for k, job in enumerate(jobs)]
    for future in futures:
        future.result()
    return time.perf_counter() - t0


def run(base: str, url: str) -> dict[str, Any]:
    """Run the plenary against the server at `base` (serving the database at `url`); return the figures."""
    made = setup(url)
    activity, vote = made["activity"], made["vote"]
    office = {"Authorization": f"Token {made['office_token']}"}
    rec = {k: Recorder() for k in ("login", "signin", "ballot", "screen", "healthz", "door")}
    stop = threading.Event()
    code = {"value": ""}

    def door() -> None:
        while not stop.is_set():
            status, payload = _timed(rec["door"], base, f"/api/v1/activities/{activity}/signin-code/", headers=office)
            if status == 200:
                code["value"] = json.loads(payload)["code"]
            stop.wait(2)

    def screen() -> None:
        headers = {"Cookie": made["cookie"], "HX-Request": "true"}
        while not stop.is_set():
            _timed(rec["screen"], base, f"/activities/{activity}/screen/", headers=headers)
            stop.wait(1)

    def healthz() -> None:
        while not stop.is_set():
            _timed(rec["healthz"], base, "/healthz")
            stop.wait(0.5)

    background = [threading.Thread(target=door), threading.Thread(target=healthz)]
    background += [threading.Thread(target=screen) for _ in range(SCREENS)]
    for thread in background:
        thread.start()
    while not code["value"]:
        time.sleep(0.1)
    tokens: dict[str, str] = {}

    def arrive(username: str) -> Any:
        def job() -> None:
            body = {"username": username, "password": PASSWORD, "device_name": "手机"}
            status, payload = _timed(rec["login"], base, "/api/v1/auth/token/", method="POST", body=body)
            if status != 200:
                return
            tokens[username] = json.loads(payload)["token"]
            headers = {"Authorization": f"Token {tokens[username]}"}
            path = f"/api/v1/activities/{activity}/signin/"
            _timed(rec["signin"], base, path, method="POST", body={"code": code["value"]}, headers=headers)

        return job

    rng = random.Random(14)

    def cast(username: str) -> Any:
        choice = rng.choices(["yes", "no", "abstain"], weights=[90, 6, 4])[0]

        def job() -> None:
            headers = {"Authorization": f"Token {tokens[username]}"}
            path = f"/api/v1/votes/{vote}/ballot/"
            _timed(rec["ballot"], base, path, method="POST", body={"choice": choice}, headers=headers)

        return job

    try:
        with ThreadPoolExecutor(max_workers=200) as pool:
            arrival_s = _paced([arrive(u) for u in made["usernames"]], ARRIVAL_SECONDS, pool)
            opened = _request(base, f"/api/v1/votes/{vote}/open/", method="POST", headers=office)[0] == 200
            voters = [u for u in made["usernames"] if u in tokens] if opened else []
            vote_s = _paced([cast(u) for u in voters], VOTE_SECONDS, pool) if voters else 0.0
    finally:
        stop.set()
        for thread in background:
            thread.join()
    _request(base, f"/api/v1/votes/{vote}/close/", method="POST", headers=office)
    result = json.loads(_request(base, f"/api/v1/votes/{vote}/result/", headers=office)[1])
    mistyped = mistyping(base, made["usernames"])
    return {
        "committee": made["committee"],
        "members": MEMBERS,
        "password_hasher": made["hasher"],
        "arrival_seconds": round(arrival_s, 1),
        "vote_seconds": round(vote_s, 1),
        "logged_in": len(tokens),
        "result": {k: result.get(k) for k in ("electorate", "present", "cast", "counts", "adopted")},
        "login": rec["login"].figures(),
        "signin": rec["signin"].figures(),
        "ballot": rec["ballot"].figures(),
        "screen": rec["screen"].figures(),
        "healthz_during": rec["healthz"].figures(),
        "mistyping": mistyped,
    }


def mistyping(base: str, usernames: list[str]) -> dict[str, Any]:
    """MISTYPES wrong passwords from the hall's one address, each followed by someone's right one."""
    wrong, right = Recorder(), Recorder()
    for k in range(MISTYPES):
        body = {"username": usernames[k], "password": "wrong-password", "device_name": "手机"}
        _timed(wrong, base, "/api/v1/auth/token/", method="POST", body=body)
        body = {"username": usernames[-1 - k], "password": PASSWORD, "device_name": "手机"}
        _timed(right, base, "/api/v1/auth/token/", method="POST", body=body)
        time.sleep(0.25)
    refused = right.statuses.get(429, 0)
    return {
        "rate": os.environ.get("LUZHI_TOKEN_RATE", "10/min"),
        "wrong": wrong.figures()["statuses"],
        "right": right.figures()["statuses"],
        "right_refused_429": refused,
    }


TARGETS = {"login": 300, "signin": 300, "ballot": 200, "screen": 50}


def print_table(figures: dict[str, Any], say: Any) -> None:
    say("")
    say(
        f"Plenary of {figures['members']} ({figures['committee']}), passwords {figures['password_hasher']}: "
        f"arrival {figures['arrival_seconds']} s (target 60), vote {figures['vote_seconds']} s (target 30); "
        f"logged in {figures['logged_in']}; result {figures['result']}"
    )
    say(f"{'row':16} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}  statuses / target")
    for row in ("login", "signin", "ballot", "screen", "healthz_during"):
        f = figures[row]
        if not f.get("n"):
            say(f"{row:16} {0:5}")
            continue
        target = TARGETS.get(row)
        verdict = "" if target is None else f"p95 < {target} ms {'met' if f['p95_ms'] < target else 'MISSED'}"
        say(
            f"{row:16} {f['n']:5} {f['p50_ms']:8.1f} {f['p95_ms']:8.1f} {f['p99_ms']:8.1f} {f['max_ms']:8.1f}  "
            f"{f['statuses']} {verdict}"
        )
    m = figures["mistyping"]
    say(
        f"mistyping ({MISTYPES} wrong passwords from one address, budget {m['rate']}): wrong → {m['wrong']}, "
        f"right → {m['right']} ({m['right_refused_429']} right passwords refused with 429)"
    )
