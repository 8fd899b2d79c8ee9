"""The documented production stack, run for real: several gunicorn processes, Redis cache and
sessions, collected static files, on a fresh database of the engine under test.

It starts the application the way docs/deploy/luzhi.service does (without nginx, which only
proxies), logs in through the login page and checks that every worker process answers the
same session and that the static files are served.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import require_system_package

REDIS_URL = os.environ.get("LUZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def stack_env(tmp_path: Path) -> Any:
    """Environment of a fresh deployment: its own var/ directory and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUZHI_", "DJANGO_"))}
    env.update(
        LUZHI_VAR_DIR=str(tmp_path / "var"),
        REDIS_URL=REDIS_URL,
        LUZHI_CACHE_PREFIX=f"deploytest{uuid.uuid4().hex[:8]}",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    (tmp_path / "var").mkdir()
    database = settings.DATABASES["default"]
    dropdb = None
    if database["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"luzhi_deploy_{uuid.uuid4().hex[:8]}"
        admin = dict(host=database["HOST"], port=database["PORT"] or 5432, user=database["USER"], dbname="postgres")
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{database['USER']}@{admin['host']}:{admin['port']}/{name}"

        def dropdb() -> None:
            with psycopg.connect(**admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'luzhi.sqlite3'}"
    try:
        yield env
    finally:
        if dropdb:
            dropdb()


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_several_gunicorn_processes_share_redis_sessions_and_serve_static(stack_env: dict) -> None:
    require_system_package(_redis_up(), f"Redis at {REDIS_URL}（.ci/run 会启动它）")
    _manage(stack_env, "migrate", "--noinput", "--verbosity", "0")
    _manage(stack_env, "collectstatic", "--noinput", "--verbosity", "0")
    _manage(
        stack_env,
        "shell",
        "-c",
        "from tests import factories as f; c = f.CommitteeFactory(name='部署测试县政协'); "
        "f.UserFactory(username='deploy_office', role='office', committee=c)",
    )
    assert (Path(stack_env["LUZHI_VAR_DIR"]) / "static" / "admin").is_dir(), "collectstatic wrote nothing"

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "luzhi.wsgi",
            "-c",
            "luzhi/conf/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=stack_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"gunicorn stopped: {server.stderr.read()[-3000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer /healthz within 60 s")

        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_page = browser.open(f"{base}/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "deploy_office", "password": "Test#2026pass"}
        ).encode()
        with browser.open(urllib.request.Request(f"{base}/login/", data=form, headers={"Referer": base})) as response:
            assert response.url == f"{base}/", "the login did not lead to the home page"

        # Requests spread over the three processes; each must know the session.
        for _ in range(15):
            with browser.open(f"{base}/") as response:
                assert response.status == 200
                assert "部署测试县政协" in response.read().decode()

        import redis

        keys = redis.Redis.from_url(REDIS_URL).keys(f"{stack_env['LUZHI_CACHE_PREFIX']}:*sessions*")
        assert keys, "the session is not cached in Redis"

        css = re.search(r'href="(/static/[^"]+\.css)"', login_page).group(1)
        with urllib.request.urlopen(f"{base}{css}") as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/css")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{stack_env['LUZHI_CACHE_PREFIX']}:*"):
            client.delete(key)
        shutil.rmtree(Path(stack_env["LUZHI_VAR_DIR"]), ignore_errors=True)
