"""Lighthouse at phone size on the member's home and the new-proposal page (issue 13).

    python -m bench.lighthouse [--project DIR] [--label NAME] [--runs N]

Serves Luzhi as in production — a throwaway SQLite database in a temporary var folder,
`make css` (the purged stylesheet, when Node and purgecss are there), `collectstatic` (hashed,
gzip and brotli copies) and gunicorn on a loopback port — logs a member in (a server-side
session, its cookie passed with --extra-headers), and runs the `lighthouse` npm package (12.x)
with Debian's chromium (CHROME_PATH, default /usr/bin/chromium) under its default mobile
preset: a 412×823 phone, simulated slow 4G and a 4× slower CPU. --project serves another
checkout with the same steps (the "before" figures were measured on main so).

Results: bench/results/lighthouse[-LABEL].json — per page the median run's scores (performance,
accessibility, best practices) and first contentful paint, largest contentful paint, total
blocking time and the bytes transferred. The lighthouse command comes from
node_modules/.bin/lighthouse, or LIGHTHOUSE_BIN.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
PAGES = [("member home", "/"), ("new proposal", "/proposals/new/")]
CATEGORIES = ("performance", "accessibility", "best-practices")

# Run inside the project with `manage.py shell`: a member with something to do, and a session.
SEED = r"""
import datetime as dt
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from luzhi.accounts.models import User
from luzhi.activities.models import Activity, Attendance
from luzhi.org.models import Committee, Member
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet

today = timezone.localdate()
committee = Committee.objects.create(name="示例县政协", level="county")
member = Member.objects.create(committee=committee, name="张建国", gender="male", ethnicity="汉族",
    birth_date=dt.date(1965, 5, 1), party="none", position="member", phone="13800000001", status="active")
user = User.objects.create_user("zhangjg", password="Luzhi#2026bench", role="member", committee=committee,
    member=member)
for i in range(3):
    act = Activity.objects.create(committee=committee, kind="consultation_monthly", title=f"第{i + 1}次月度协商会",
        start=today + dt.timedelta(days=3 + i), end=today + dt.timedelta(days=3 + i), days=1)
    Attendance.objects.create(committee=committee, activity=act, member=member)
ScoreRuleSet.objects.create(committee=committee, year=today.year, items=rules.DEFAULT_ITEMS,
    grades=rules.DEFAULT_GRADES, shared_caps=rules.DEFAULT_SHARED_CAPS, warnings=rules.DEFAULT_WARNINGS)
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
print("SESSION=" + s.session_key)
"""


def lighthouse_bin(project: Path = ROOT) -> str | None:
    """The lighthouse command: LIGHTHOUSE_BIN, else the project's node_modules."""
    for candidate in (os.environ.get("LIGHTHOUSE_BIN"), str(project / "node_modules" / ".bin" / "lighthouse")):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("lighthouse")


def run_lighthouse(url: str, *, cookie: str, out: Path, binary: str) -> dict[str, Any]:
    """One Lighthouse run (mobile preset) of one URL; returns the summary of its JSON report."""
    env = {**os.environ, "CHROME_PATH": CHROME}
    command = [
        binary,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
        "--max-wait-for-load=60000",
    ]
    for attempt in range(3):
        out.unlink(missing_ok=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode == 0 and out.exists():
            return summarize(json.loads(out.read_text()))
        # A trace lost on a loaded machine (NO_NAVSTART, NO_FCP…) is Lighthouse's own "run again".
        if "Please run Lighthouse again" not in done.stderr or attempt == 2:
            break
    raise RuntimeError(f"lighthouse failed ({done.returncode}): {done.stderr[-2000:]}")


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    """Scores out of 100, the paint timings, and the audits that cost points (to print on failure)."""
    audits = report["audits"]
    categories = report["categories"]

    def number(audit: str) -> float | None:
        value = audits.get(audit, {}).get("numericValue")
        return round(value) if value is not None else None

    failing = []
    for name in ("accessibility", "best-practices"):
        for ref in categories[name]["auditRefs"]:
            audit = audits[ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                items = (audit.get("details") or {}).get("items") or []
                nodes = [str((i.get("node") or {}).get("snippet") or i.get("url") or "")[:160] for i in items[:5]]
                failing.append(f"{name}: {ref['id']} — {audit.get('title', '')} {nodes}")
    return {
        "url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
        "scores": {name: round((categories[name]["score"] or 0) * 100) for name in CATEGORIES},
        "first_contentful_paint_ms": number("first-contentful-paint"),
        "largest_contentful_paint_ms": number("largest-contentful-paint"),
        "total_blocking_time_ms": number("total-blocking-time"),
        "speed_index_ms": number("speed-index"),
        "transfer_kib": round((number("total-byte-weight") or 0) / 1024, 1),
        "render_blocking_savings_ms": audits.get("render-blocking-resources", {})
        .get("details", {})
        .get("overallSavingsMs"),
        "failing": failing,
        "lighthouse": report.get("lighthouseVersion"),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer at {url}")


def serve(project: Path, var: Path) -> tuple[subprocess.Popen, str, str]:
    """Prepare a throwaway database and the static files in `var`, start gunicorn; (process, base URL, cookie)."""
    python = str(project / ".venv" / "bin" / "python")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LUZHI_TEST_DB_NAME")},
        "LUZHI_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "luzhi.settings",
    }
    builder = project / "frontend" / "build-css.mjs"
    if builder.exists() and shutil.which("node"):
        subprocess.run(
            ["node", str(builder), str(var / "build" / "luzhi" / "app.css")],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
        )
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([python, "manage.py", *args], cwd=project, env=env, check=True)
    seeded = subprocess.run(
        [python, "manage.py", "shell", "-c", SEED], cwd=project, env=env, check=True, capture_output=True, text=True
    )
    session = next(line.split("=", 1)[1] for line in seeded.stdout.splitlines() if line.startswith("SESSION="))
    port = _free_port()
    process = subprocess.Popen(
        [
            str(project / ".venv" / "bin" / "gunicorn"),
            "luzhi.wsgi",
            "-c",
            "luzhi/conf/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait(f"{base}/healthz")
    return process, base, f"sessionid={session}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=ROOT, help="the checkout to serve (default: this one)")
    parser.add_argument("--label", default="", help="results file suffix, e.g. before")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median is kept")
    args = parser.parse_args()
    binary = lighthouse_bin(args.project) or lighthouse_bin(ROOT)
    if binary is None or not Path(CHROME).exists():
        sys.exit("bench/lighthouse: needs the lighthouse npm package (npm ci) and chromium (Debian package).")
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "pages": {}}
    with tempfile.TemporaryDirectory(prefix="luzhi-lh-") as tmp:
        var = Path(tmp) / "var"
        var.mkdir()
        process, base, cookie = serve(args.project.resolve(), var)
        try:
            for label, path in PAGES:
                runs = []
                for i in range(args.runs):
                    out = Path(tmp) / f"lh-{i}.json"
                    runs.append(run_lighthouse(base + path, cookie=cookie, out=out, binary=binary))
                runs.sort(key=lambda r: r["scores"]["performance"])
                median = runs[len(runs) // 2]
                median["performance_runs"] = [r["scores"]["performance"] for r in runs]
                results["pages"][label] = median
                s = median["scores"]
                print(
                    f"{label:13} {path:17} performance {s['performance']:3} (runs {median['performance_runs']})"
                    f"  accessibility {s['accessibility']:3}  best practices {s['best-practices']:3}"
                    f"  FCP {median['first_contentful_paint_ms']} ms  LCP {median['largest_contentful_paint_ms']} ms"
                    f"  {median['transfer_kib']} KiB",
                    flush=True,
                )
                for line in median["failing"]:
                    print(f"    {line}")
        finally:
            process.terminate()
            process.wait(timeout=30)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"lighthouse-{args.label}.json" if args.label else "lighthouse.json"
    (RESULTS / name).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written bench/results/{name}")


if __name__ == "__main__":
    main()
