"""The audit log on a phone (390×844): each entry a card, 途径 and 变更 whole, no sideways scrolling.

Screenshot: test-artifacts/screenshots/audit-log-390x844.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from luzhi.core.models import AuditEntry
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LONG_TEXT = "关于加快推进城乡供水一体化建设、保障农村饮水安全的建议，请县水务局会同各乡镇研究落实" * 2


@pytest.fixture
def entries(committee, users):
    for n in range(3):
        AuditEntry.objects.create(
            action="update",
            user=users["office"],
            username=users["office"].username,
            model="org.member",
            object_id=str(n + 1),
            object_repr=f"委员{n + 1}",
            changes={"workplace": ["县水务局副局长", LONG_TEXT], "ethnicity": ["汉族", "回族"]},
            via="api",
            ip="203.0.113.77",
            committee_id=committee.pk,
        )


def _log_in(page, live_server, user) -> None:
    client = verified_login(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_audit_log_reads_on_a_phone(phone_page, live_server, users, entries):
    _log_in(phone_page, live_server, users["auditor"])
    phone_page.goto(f"{live_server.url}/accounts/audit/?model=org.member")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.locator("#audit-log").scroll_into_view_if_needed()
    phone_page.screenshot(path=str(SHOTS / "audit-log-390x844.png"))

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    row = phone_page.locator("#audit-log tbody tr").first
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"  # a card, not a cut-off table row
    for label in ("途径", "变更（之前 → 之后）"):
        cell = row.locator(f"td[data-label='{label}']")
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, label  # wholly on screen
        assert label in cell.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert "203.0.113.77" in row.locator("td[data-label='途径']").inner_text()
    changes = row.locator("td[data-label='变更（之前 → 之后）']")
    assert LONG_TEXT[:20] in changes.inner_text() and changes.is_visible()
