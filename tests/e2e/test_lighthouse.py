"""Lighthouse (the npm package, 12.x) over the member's home and the new-proposal page at phone size.

Accessibility and best practices must be 100 on both pages. Performance is printed, not asserted:
on a loaded 2-core CI box its timings vary; `python -m bench.lighthouse` measures it under
gunicorn with the production static files (README of bench/). Without chromium or the lighthouse
package the test says so and is skipped — under CI=true it fails.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from bench.lighthouse import CHROME, lighthouse_bin, run_lighthouse
from luzhi.core.roles import Role
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from tests.conftest import require_system_package
from tests.scoring import factories as sf

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "lighthouse"


@pytest.fixture
def lighthouse() -> str:
    require_system_package(Path(CHROME).exists(), f"找不到浏览器 {CHROME}（Debian 软件包 chromium）")
    binary = lighthouse_bin()
    require_system_package(binary is not None, "找不到 lighthouse（npm 包，npm ci 安装）")
    return binary


@pytest.fixture
def member_cookie(committee, make_user) -> str:
    today = timezone.localdate()
    ScoreRuleSet.objects.create(
        committee=committee, year=today.year, items=rules.DEFAULT_ITEMS, grades=rules.DEFAULT_GRADES
    )
    user = make_user(Role.MEMBER, committee)
    for i in range(2):
        act = sf.activity(committee, "consultation_monthly", today + dt.timedelta(days=2 + i), title=f"月度协商会{i}")
        sf.attend(act, user.member, "invited")
    sf.proposal(user.member, year=today.year, status="replied")
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.mark.parametrize("path", ["/", "/proposals/new/"])
def test_lighthouse_at_phone_size(lighthouse, live_server, member_cookie, path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{path.strip('/').replace('/', '-') or 'home'}.json"
    result = run_lighthouse(live_server.url + path, cookie=member_cookie, out=out, binary=lighthouse)
    scores = result["scores"]
    print(
        f"\nLighthouse {result['lighthouse']} {path}: performance {scores['performance']} (not asserted), "
        f"accessibility {scores['accessibility']}, best practices {scores['best-practices']}, "
        f"FCP {result['first_contentful_paint_ms']} ms"
    )
    assert result["url"].endswith(path), result["url"]  # the member's page, not the login form
    assert scores["accessibility"] == 100, result["failing"]
    assert scores["best-practices"] == 100, result["failing"]
