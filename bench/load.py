"""Load benchmark (issue 8): Luzhi under gunicorn on province-scale data, driven by wrk.

    python -m bench.load                 # what `make bench` runs first

1. The scale database (PostgreSQL, name from LUZHI_SCALE_DB, default luzhi_scale, on the
   server of DATABASE_URL, default postgres://postgres@127.0.0.1:5432/) is built once with
   `manage.py generate_scale` and reused afterwards: a marker in the database's comment
   records the arguments it was generated with. LUZHI_SCALE_COMMITTEES / LUZHI_SCALE_YEARS
   (default 100 / 10) choose the size; another size, or a half-built database, is rebuilt.
2. gunicorn serves it like production (4 workers × 4 threads) on a loopback port.
3. wrk drives each page and endpoint as the office of one county committee (the member home as
   one of its members; pages with 20
   session cookies made server-side, one per connection; the API with a token), twice:
   - **20 users** (BENCH_CONNECTIONS): each connection waits a think time of 0.5–1.5 s
     (BENCH_THINK_MS, default 1000) between requests, like a person reading the page, for
     BENCH_USER_DURATION s (default 20). Its p50/p95/p99 are the latency a user sees with 20
     people at work — the figures the page targets (p95 < 100 ms, dashboard < 300 ms) are
     about;
   - **saturation**: the same 20 connections with no think time for BENCH_DURATION s
     (default 10) after a 2 s warm-up: the most requests per second the server gives, the
     figure the API target (≥ half the minimal view's) compares. Its latencies are queueing
     time at full load and are reported too.
4. One table: both runs of every row beside the minimal view /healthz and the ratios; JSON
   in bench/results/load-postgresql.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench import plenary

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
MINIMAL = "/healthz"

# (label, path, kind, target) — kind "page" sends a session cookie, "api" a token.
ENDPOINTS: list[tuple[str, str, str, str]] = [
    ("minimal view /healthz", MINIMAL, "none", ""),
    ("roster page /org/members/", "/org/members/", "page", "p95 < 100 ms"),
    ("proposal list page /proposals/", "/proposals/", "page", "p95 < 100 ms"),
    ("activity list page /activities/", "/activities/", "page", "p95 < 100 ms"),
    ("dashboard /", "/", "page", "p95 < 300 ms"),
    ("member home / (as a member)", "/", "member", "p95 < 100 ms"),
    ("API members", "/api/v1/members/", "api", "rps ≥ ½ minimal"),
    ("API proposals", "/api/v1/proposals/", "api", "rps ≥ ½ minimal"),
    ("API activities", "/api/v1/activities/", "api", "rps ≥ ½ minimal"),
    ("API opinions", "/api/v1/opinions/", "api", "rps ≥ ½ minimal"),
    ("API reading logs", "/api/v1/reading-logs/", "api", "rps ≥ ½ minimal"),
    ("API research topics", "/api/v1/research-topics/", "api", "rps ≥ ½ minimal"),
    ("API plan items", "/api/v1/plan-items/", "api", "rps ≥ ½ minimal"),
]


def _say(text: str) -> None:
    print(text, flush=True)


def _fail(text: str) -> None:
    print(f"bench/load: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


# -- the scale database ---------------------------------------------------------------------
def _server_url() -> urllib.parse.ParseResult:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return urllib.parse.urlparse(url)


def _database_url(name: str) -> str:
    return _server_url()._replace(path=f"/{name}").geturl()


def _admin_connection() -> Any:
    import psycopg

    try:
        return psycopg.connect(_database_url("postgres"), autocommit=True)
    except psycopg.OperationalError as exc:
        _fail(f"cannot reach PostgreSQL at {_database_url('postgres')}: {exc}".strip())


def _marker(committees: int, years: int, seed: int) -> str:
    return f"luzhi-scale committees={committees} years={years} seed={seed}"


def ensure_scale_database(name: str, committees: int, years: int, seed: int = 1) -> str:
    """Build the scale database unless a complete one of that size is there; return its URL."""
    url = _database_url(name)
    env = {**os.environ, "DATABASE_URL": url}
    wanted = _marker(committees, years, seed)
    with _admin_connection() as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if row is not None and row[0] == wanted:
            _say(f"scale database {name}: reusing ({wanted})")
            subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
            return url
        quoted = '"' + name.replace('"', '""') + '"'
        if row is not None:
            _say(f"scale database {name}: marker {row[0]!r} is not {wanted!r}, rebuilding")
            admin.execute(f"DROP DATABASE {quoted} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {quoted}")
        _say(f"scale database {name}: migrating")
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        _say(f"scale database {name}: generating {committees} committees × {years} years")
        started = time.monotonic()
        subprocess.run(
            [PYTHON, "manage.py", "generate_scale", f"--committees={committees}", f"--years={years}", f"--seed={seed}"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        seconds = time.monotonic() - started
        admin.execute(f"COMMENT ON DATABASE {quoted} IS %s".replace("%s", _literal(wanted)))
        _say(f"scale database {name}: generated in {seconds:.0f} s")
    return url


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- logins, made server-side ---------------------------------------------------------------
AUTH_SCRIPT = """
import json, os
import django
django.setup()
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from luzhi.accounts.models import User
from luzhi.accounts.services import device_token_create
from luzhi.org.models import Committee

committee = Committee.objects.filter(level="county").order_by("id").first() or Committee.objects.order_by("id").first()
user = User.objects.get(committee=committee, role="office")
member = User.objects.filter(committee=committee, role="member", member__isnull=False).order_by("id").first()
store = import_module(settings.SESSION_ENGINE).SessionStore

def sessions(person):
    cookies = []
    for _ in range(int(os.environ["BENCH_SESSIONS"])):
        session = store()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.set_expiry(3600)
        session.save()
        cookies.append(session.session_key)
    return cookies

token, key = device_token_create(user=user, name="bench/load.py")
print(json.dumps({"committee": committee.name, "user": user.username, "cookie": settings.SESSION_COOKIE_NAME,
                  "sessions": sessions(user), "member_sessions": sessions(member) if member else [],
                  "member": member.username if member else None, "token": key}))
"""


def make_logins(url: str, sessions: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "luzhi.settings",
        "BENCH_SESSIONS": str(sessions),
    }
    out = subprocess.run([PYTHON, "-c", AUTH_SCRIPT], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the server -----------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "LUZHI_DEBUG": "0"}
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "luzhi.wsgi",
            "--config=luzhi/conf/gunicorn.py",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--threads={threads}",
            "--timeout=120",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            _fail("gunicorn exited at start-up")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{MINIMAL}", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    _fail("gunicorn did not answer /healthz within 60 s")
    raise AssertionError  # unreachable


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check(base: str, path: str, header: str | None) -> tuple[float, int]:
    """One request that must answer 200 (a redirect to the login page would be a wrong benchmark)."""
    request = urllib.request.Request(base + path)
    if header:
        name, value = header.split(":", 1)
        request.add_header(name, value.strip())
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            size = len(response.read())
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        _fail(f"{path} answered {status}, not 200")
    return (time.perf_counter() - started) * 1000, size


def run_wrk(
    base: str, path: str, headers_file: Path | None, connections: int, duration: int, think_ms: int = 0
) -> dict[str, Any]:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout=10s",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
        base + path,
    ]
    command += ["--", str(headers_file) if headers_file else "-", str(think_ms)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    _fail(f"wrk printed no figures for {path}:\n{out}")
    raise AssertionError  # unreachable


# -- the machine ----------------------------------------------------------------------------
def machine(url: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "host": platform.node(),
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": version,
        "python": platform.python_version(),
        "wrk": subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip(),
    }


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    if shutil.which("wrk") is None:
        _fail("wrk is not installed; the load benchmark needs it (Debian: apt-get install wrk).")
    name = os.environ.get("LUZHI_SCALE_DB", "luzhi_scale")
    committees = int(os.environ.get("LUZHI_SCALE_COMMITTEES", "100"))
    years = int(os.environ.get("LUZHI_SCALE_YEARS", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "20"))
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    user_duration = int(os.environ.get("BENCH_USER_DURATION", "20"))
    think_ms = int(os.environ.get("BENCH_THINK_MS", "1000"))
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    threads = int(os.environ.get("BENCH_THREADS", "4"))
    # BENCH_ONLY=member-home: only the rows whose label contains it (and /healthz beside them), into
    # their own results file, so a partial run never replaces the whole table.
    only = os.environ.get("BENCH_ONLY", "").strip()
    endpoints = [e for e in ENDPOINTS if e[2] == "none" or not only or only.replace("-", " ") in e[0]]
    # BENCH_ONLY=plenary: the plenary of 800 (bench/plenary.py) beside /healthz alone.
    with_plenary = not only or only == "plenary"
    url = ensure_scale_database(name, committees, years)
    logins = make_logins(url, connections)
    _say(f"logged in as {logins['user']} ({logins['committee']}), {connections} sessions")
    RESULTS.mkdir(exist_ok=True)
    secrets_dir = Path(tempfile.mkdtemp(prefix="luzhi-bench-"))
    cookie_file = secrets_dir / "cookies.txt"
    cookie_file.write_text("".join(f"Cookie: {logins['cookie']}={key}\n" for key in logins["sessions"]))
    member_file = secrets_dir / "member-cookies.txt"
    member_file.write_text("".join(f"Cookie: {logins['cookie']}={key}\n" for key in logins["member_sessions"]))
    token_file = secrets_dir / "token.txt"
    token_file.write_text(f"Authorization: Token {logins['token']}\n")
    port = _free_port()
    server = start_server(url, port, workers, threads)
    base = f"http://127.0.0.1:{port}"
    rows: dict[str, dict[str, Any]] = {}
    load_before = _load()
    try:
        for label, path, kind, target in endpoints:
            if kind == "member" and not logins["member_sessions"]:
                _fail("the scale database has no member account for the member home row")
            headers_file = {"page": cookie_file, "member": member_file, "api": token_file}.get(kind)
            header = headers_file.read_text().splitlines()[0] if headers_file else None
            first_ms, size = check(base, path, header)
            run_wrk(base, path, headers_file, connections, 2)  # warm every worker
            saturated = run_wrk(base, path, headers_file, connections, duration)
            users = run_wrk(base, path, headers_file, connections, user_duration, think_ms)
            for figures in (saturated, users):
                errors = sum(figures["errors"].values())
                if errors:
                    _fail(f"{path}: {errors} failed requests under load ({figures['errors']})")
                # wrk counts a redirect (to the login page) as success: the bodies must be the page's.
                if figures["requests"] and figures["bytes"] / figures["requests"] < size / 2:
                    _fail(f"{path}: responses under load are smaller than the page ({size} bytes): not logged in?")
            rows[label] = {
                "path": path,
                "target": target,
                "first_request_ms": round(first_ms, 1),
                "users": users,
                "saturation": saturated,
            }
            _say(
                f"  {label:34} 20 users: p95 {users['p95_ms']:7.1f} ms ({users['requests']} requests); "
                f"saturation: {saturated['rps']:7.1f} rps, p95 {saturated['p95_ms']:7.1f} ms"
            )
        if with_plenary:
            _say(f"  plenary: {plenary.MEMBERS} members log in and sign in over 60 s, then vote over 30 s")
            plenary_figures = plenary.run(base, url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(secrets_dir, ignore_errors=True)
    minimal = rows[endpoints[0][0]]
    for row in rows.values():
        row["p95_ratio"] = (
            round(row["users"]["p95_ms"] / minimal["users"]["p95_ms"], 2) if minimal["users"]["p95_ms"] else None
        )
        row["rps_ratio"] = (
            round(row["saturation"]["rps"] / minimal["saturation"]["rps"], 2) if minimal["saturation"]["rps"] else None
        )
        row["met"] = _met(row, minimal)
    result = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(url),
        "load_average_before_after": [load_before, _load()],
        "database": {"name": name, "committees": committees, "years": years, "rows": _row_counts(url)},
        "server": f"gunicorn {workers} workers × {threads} threads",
        "wrk": (
            f"{connections} users thinking {think_ms // 2}–{think_ms * 3 // 2} ms for {user_duration} s; "
            f"saturation: {connections} connections for {duration} s after a 2 s warm-up"
        ),
        "as": f"{logins['user']} ({logins['committee']})",
        "rows": rows,
    }
    if with_plenary:
        result["plenary"] = plenary_figures
    out = RESULTS / (f"load-postgresql-{only}.json" if only else "load-postgresql.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    _print_table(result)
    if with_plenary:
        plenary.print_table(plenary_figures, _say)
    _say(f"written to {out.relative_to(ROOT)}")


def _met(row: dict[str, Any], minimal: dict[str, Any]) -> bool | None:
    target = row["target"]
    if target.startswith("p95 <"):
        return row["users"]["p95_ms"] < float(target.split()[2])
    if target.startswith("rps"):
        return row["saturation"]["rps"] >= minimal["saturation"]["rps"] / 2
    return None


def _row_counts(url: str) -> dict[str, int]:
    import psycopg

    tables = {
        "committees": "org_committee",
        "members": "org_member",
        "activities": "activities_activity",
        "attendance": "activities_attendance",
        "proposals": "proposals_proposal",
        "opinion reports": "opinions_opinionreport",
        "reading logs": "activities_readinglog",
    }
    with psycopg.connect(url) as conn:
        # Estimates from the planner statistics (generate_scale ANALYZEs): exact counts of
        # millions of rows would cost seconds each.
        counts = {}
        for label, table in tables.items():
            estimate = int(conn.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table]).fetchone()[0])
            if estimate < 100_000:  # small or never analysed: count
                estimate = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            counts[label] = estimate
        return counts


def _print_table(result: dict[str, Any]) -> None:
    m = result["machine"]
    _say("")
    _say(
        f"Load on {m['nproc']} cores, {m['ram_gb']} GB, PostgreSQL {m['postgresql']}; {result['server']}; "
        f"wrk {result['wrk']}; load average before/after {result['load_average_before_after']}"
    )
    _say(
        f"{'row':34} {'20 users: p50':>13} {'p95':>7} {'p99':>7} {'p95 ×min':>9} │ "
        f"{'saturation: rps':>15} {'p95':>7} {'rps ×min':>9}  target"
    )
    for label, row in result["rows"].items():
        verdict = {True: "met", False: "MISSED", None: ""}[row["met"]]
        u, s = row["users"], row["saturation"]
        _say(
            f"{label:34} {u['p50_ms']:13.1f} {u['p95_ms']:7.1f} {u['p99_ms']:7.1f} {row['p95_ratio']:9.2f} │ "
            f"{s['rps']:15.1f} {s['p95_ms']:7.1f} {row['rps_ratio']:9.2f}  {row['target']} {verdict}".rstrip()
        )


if __name__ == "__main__":
    main()
