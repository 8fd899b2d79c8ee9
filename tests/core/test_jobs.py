"""Scheduled and background work: cron's commands, Celery beat and `jobs.run` reach the same function."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command

from luzhi.conf import services
from luzhi.core import jobs
from tests.conftest import require_system_package

REDIS_URL = os.environ.get("LUZHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """Replace every job's function by a recorder, keeping names and schedules."""
    calls: list[tuple[str, dict]] = []
    for name, entry in jobs.registry().items():

        def record(_name: str = name, **kwargs: Any) -> dict:
            calls.append((_name, kwargs))
            return {} if _name == "send_notifications" else {"due": 0, "overdue": 0}

        monkeypatch.setitem(jobs._JOBS, name, jobs.Job(name, record, entry.description, entry.schedule))
    return calls


def test_the_daily_work_is_declared_once_with_its_schedule() -> None:
    schedule = jobs.beat_schedule()
    assert set(schedule) == {
        "proposal_reminders",
        "grassroots_reminders",
        "send_notifications",
        "activity_reminders",
        "purge_exports",
        "sms_retry",
        "account_letters_expire",
    }
    assert all(entry["task"] == "luzhi.job" for entry in schedule.values())
    assert schedule["proposal_reminders"]["args"] == ("proposal_reminders", {})
    assert str(schedule["send_notifications"]["schedule"]).startswith("<crontab: * *")  # every minute


def test_an_unknown_job_fails_in_the_caller() -> None:
    with pytest.raises(LookupError, match="no job named"):
        jobs.run("nothing_here")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("command", "args", "expected"),
    [
        ("proposal_reminders", [], ("proposal_reminders", {})),
        ("grassroots_reminders", ["--days", "5"], ("grassroots_reminders", {"days": 5})),
        ("send_notifications", ["--limit", "7"], ("send_notifications", {"limit": 7})),
    ],
)
def test_cron_commands_call_the_job(spy: list, command: str, args: list, expected: tuple) -> None:
    call_command(command, *args, stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    assert spy == [expected]


@pytest.mark.django_db
def test_without_celery_run_works_at_once(spy: list, settings: Any) -> None:
    settings.LUZHI_CELERY = False
    assert jobs.run("grassroots_reminders", days=2) == {"due": 0, "overdue": 0}
    assert spy == [("grassroots_reminders", {"days": 2})]


@pytest.mark.django_db
def test_the_real_reminder_job_runs_through_the_celery_task(settings: Any) -> None:
    """Eager Celery: the task body is the same `jobs.call`, on the real job and database."""
    from luzhi.celery import app, run_job

    settings.LUZHI_CELERY = True
    app.conf.task_always_eager = True
    try:
        task_id = jobs.run("proposal_reminders")
    finally:
        app.conf.task_always_eager = False
    assert isinstance(task_id, str) and task_id
    assert run_job.apply(args=("proposal_reminders", {})).get() == {"due": 0, "overdue": 0}


def test_celery_worker_on_redis_runs_queued_jobs(spy: list, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real worker thread takes the job from Redis and runs the same function.

    The worker's app is a fresh one on the test Redis database, carrying luzhi.celery's own
    task body, so the application's app keeps its configuration for the other tests.
    """
    require_system_package(_redis_up(), f"Redis at {REDIS_URL}（.ci/run 会启动它）")
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    import luzhi.celery

    worker_app = Celery("luzhi-test", broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    task = worker_app.task(name="luzhi.job")(luzhi.celery.run_job.run)
    monkeypatch.setattr(luzhi.celery, "run_job", task)
    settings.LUZHI_CELERY = True
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        task_id = jobs.run("send_notifications", limit=3)
        result = worker_app.AsyncResult(task_id).get(timeout=20)
    assert result == {}
    assert spy == [("send_notifications", {"limit": 3})]


def test_settings_switch_to_redis_and_celery(monkeypatch: pytest.MonkeyPatch) -> None:
    base: dict[str, Any] = {"TIME_ZONE": "Asia/Shanghai"}
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("LUZHI_CELERY", raising=False)
    services.apply(base)
    assert base["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert "SESSION_ENGINE" not in base and base["LUZHI_CELERY"] is False

    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    monkeypatch.setenv("LUZHI_CELERY", "1")
    services.apply(base)
    assert base["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert base["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    assert base["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert base["LUZHI_CELERY"] is True
    assert base["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"


@pytest.mark.django_db
def test_sessions_live_in_redis_in_front_of_the_database(client: Any, settings: Any, users: dict) -> None:
    """Several gunicorn processes share logins: the session is in Redis and, behind it, the database."""
    require_system_package(_redis_up(), f"Redis at {REDIS_URL}（.ci/run 会启动它）")
    from django.contrib.sessions.models import Session

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "t"}
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caches["default"].clear()
    try:
        client.force_login(users["office"])
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert caches["default"].get(f"django.contrib.sessions.cached_db{key}") is not None
        assert Session.objects.filter(session_key=key).exists()
        assert client.get("/").status_code == 200
        caches["default"].clear()  # Redis restarted: the database still knows the session
        assert client.get("/").status_code == 200
    finally:
        caches["default"].clear()
        caches["default"].close()
