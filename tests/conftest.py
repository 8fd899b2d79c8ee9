"""Shared fixtures: two committees, a user of each role, API clients."""

import os
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from luzhi.accounts.models import User
from luzhi.accounts.twofactor import otp_required_for
from luzhi.core.roles import Role
from luzhi.org.models import Committee, Member
from tests import factories as f
from tests import nplusone


def pytest_configure(config: Any) -> None:
    nplusone.install()


@pytest.fixture(autouse=True)
def _no_n_plus_one() -> Any:
    """Every test fails on an N+1 (see tests/nplusone.py)."""
    with nplusone.test_context():
        yield


@pytest.fixture(scope="session", autouse=True)
def _fast_hashing() -> Iterator[None]:
    """MD5 for the whole session, so that users made by module-scoped fixtures (the demo) log in fast too."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """The test database is built from the models (--no-migrations); every migration is then recorded as
    applied, as on a migrated installation (backups carry that list; tests/core/test_migrations.py
    checks that replaying the migrations gives the same schema)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES={}):
        nodes = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    with django_db_blocker.unblock():
        recorder = MigrationRecorder(connection)
        recorder.ensure_schema()
        recorder.migration_qs.bulk_create([recorder.Migration(app=app, name=name) for app, name in nodes])


@pytest.fixture(scope="session")
def demo_database(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The demo committee's database of this process, built by the first module that asks (tests/demo_db.py)."""
    from tests.demo_db import DEMO

    yield DEMO
    with django_db_blocker.unblock():
        DEMO.drop()


@pytest.fixture(scope="module")
def demo_loaded(demo_database: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The demo committee for the module, rolled back after it: what its first load created, by model label."""
    with django_db_blocker.unblock(), demo_database.use():
        yield demo_database.created


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Each test starts with empty process caches: rolled-back rows must not live on in memory."""
    from django.core.cache import cache

    from luzhi.core import similarity

    cache.clear()
    similarity.forget_loaded()


@pytest.fixture
def committee(db: Any) -> Committee:
    """示例县政协 under a city under a province."""
    province = f.CommitteeFactory(name="示例省政协", level=Committee.Level.PROVINCE)
    city = f.CommitteeFactory(name="示例市政协", level=Committee.Level.CITY, parent=province)
    return f.CommitteeFactory(name="示例县政协", level=Committee.Level.COUNTY, parent=city)


@pytest.fixture
def other_committee(committee: Committee) -> Committee:
    """A sibling county under the same city: must never see `committee`'s rows."""
    return f.CommitteeFactory(name="另一县政协", level=Committee.Level.COUNTY, parent=committee.parent)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """make_user(role, committee, **links) — links default to fitting rows of that committee."""

    def make(role: str, committee: Committee, **kwargs: Any) -> User:
        if role in (Role.MEMBER, Role.LEADER) and "member" not in kwargs:
            position = Member.Position.VICE_CHAIR if role == Role.LEADER else Member.Position.MEMBER
            kwargs["member"] = f.MemberFactory(committee=committee, position=position)
        if role == Role.UNIT and "unit" not in kwargs:
            kwargs["unit"] = f.UnitFactory(committee=committee)
        if role == Role.COMMITTEE_STAFF and "special_committee" not in kwargs:
            kwargs["special_committee"] = f.SpecialCommitteeFactory(committee=committee)
        return f.UserFactory(role=role, committee=committee, **kwargs)

    return make


@pytest.fixture
def users(committee: Committee, make_user: Callable[..., User]) -> dict[str, User]:
    """One user of each role in `committee`."""
    return {role.value: make_user(role.value, committee) for role in Role}


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser("root", "root@example.com", f.PASSWORD)


@pytest.fixture
def api() -> Callable[[User | None], APIClient]:
    """api(user) — an API client authenticated as the user (None: anonymous)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# The slowest files (a demo load, a browser, a server in a subprocess), given out first when the
# suite runs on several workers (`make test`: pytest-xdist, one file per worker at a time), so
# that no worker is left with one of them while the others have finished.
SLOW_FILES_FIRST = (
    "tests/api/test_fuzz_chains.py",
    "tests/api/test_fuzz.py",
    "tests/deploy/test_production_stack.py",
    "tests/org/test_demo_data_fresh.py",
    "tests/core/test_migrations.py",
    "tests/accounts/test_admin_separation.py",
    "tests/api/test_fuzz_invalid.py",
    "tests/api/test_role_matrix.py",
    "tests/api/test_bad_input.py",
    "tests/e2e/",
    "tests/security/test_csrf.py",
    "tests/api/test_restore.py",
    "tests/api/test_query_discipline.py",
    "tests/core/test_backup.py",
    "tests/security/test_formula_injection.py",
    "tests/security/test_stored_script.py",
)


def _slowness_rank(item: Any) -> int:
    path = item.nodeid.split("::", 1)[0]
    return next((i for i, slow in enumerate(SLOW_FILES_FIRST) if path.startswith(slow)), len(SLOW_FILES_FIRST))


def otp_code(user: User) -> str:
    """A valid TOTP code for the user's (possibly new) bound device, for logins through the token endpoint.

    The device forgets the last code it accepted, so one test may log the same administrator in twice.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def verified_login(client: Client, user: User) -> Client:
    """client.force_login(user), and for an administrator a bound TOTP device with the session marked verified.

    An administrator's session without a verified second factor reaches only the enrolment page
    (luzhi/accounts/twofactor.py), so page tests that log an administrator in use this instead.
    """
    client.force_login(user)
    if otp_required_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
    if hasattr(config, "workerinput"):  # an xdist worker: the files' order is the order they are given out
        items.sort(key=_slowness_rank)  # stable: each file keeps its tests' order


NEEDS_SYSTEM = "无法运行（缺少系统软件包）"


def require_system_package(available: bool, what: str) -> None:
    """Skip a test whose Debian package is missing — and fail it under CI=true, never a silent skip."""
    if available:
        return
    message = f"{NEEDS_SYSTEM}：{what}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " — CI 中不允许跳过。", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def cjk_fonts() -> None:
    """PDF tests need Debian's fonts-noto-cjk so that Chinese shows and is embedded."""
    listing = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    require_system_package("Noto" in listing and "CJK" in listing, "fonts-noto-cjk（PDF 中文字体）")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Say plainly which tests could not run for a missing system package (CI turns that into a failure)."""
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "/e2e/" in r.nodeid or NEEDS_SYSTEM in str(getattr(r, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.section("tests not run: system packages missing")
        for report in skipped:
            terminalreporter.write_line(f"NOT RUN: {report.nodeid}")


@pytest.fixture(autouse=True)
def _notifications_not_sent_in_the_background(settings: Any) -> None:
    """No sweeper thread in tests: tests that deliver call luzhi.notifications.dispatch.sweep() themselves."""
    settings.LUZHI_NOTIFY_DISPATCH = "off"
