"""The Content-Security-Policy holds in a real browser: pages work and nothing is refused.

The `page` fixture fails any test on a CSP violation; the first test shows that the watch
really catches one.
"""

import pytest

from tests import factories as f
from tests.e2e.conftest import login, watch_csp
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE_PAGES = [
    "/",
    "/org/members/",
    "/org/party/",
    "/org/liaisons/",
    "/activities/",
    "/activities/cadence/",
    "/proposals/",
    "/proposals/stats/",
    "/opinions/statistics/",
    "/research/",
    "/ledger/",
    "/ledger/board/",
    "/api/docs/",
]


def test_the_watch_catches_inline_script_and_style(browser, live_server, db):
    context = browser.new_context()
    violations = watch_csp(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => {
        document.body.insertAdjacentHTML('beforeend', '<div style="color:red">x</div>');
        document.body.insertAdjacentHTML('beforeend', '<img src="/static/none.png" onerror="window.hit=1">');
        }"""
    )
    page.wait_for_timeout(500)
    hit = page.evaluate("() => window.hit")
    context.close()
    assert hit is None, "an inline event handler ran"
    assert any("style-src" in v for v in violations), violations
    assert any("script-src" in v for v in violations), violations


def test_office_pages_work_under_the_policy(page, live_server, users, committee):
    party = f.PartyOrganizationFactory(committee=committee)
    member = f.MemberFactory(committee=committee, party="cpc")
    party.members.add(member)
    f.LiaisonFactory(committee=committee, from_member=member)
    login(page, live_server, users["office"].username, PASSWORD)
    for path in OFFICE_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path

    # Bars take their width from data-lz-width (no inline style).
    page.goto(f"{live_server.url}/org/party/")
    bar = page.locator(".progress-bar[data-lz-width]").first
    assert bar.evaluate("e => e.style.width") == bar.get_attribute("data-lz-width") + "%"

    # The dashboard's charts draw, and their tooltip shows without inline style.
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    canvas = page.locator("#chart-activities canvas")
    assert canvas.count() == 1
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)

    # Swagger UI starts from its script file.
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector("#swagger-ui .info", timeout=10_000)


def test_member_writes_an_opinion_with_the_counter(page, live_server, users):
    login(page, live_server, users["member"].username, PASSWORD)
    page.goto(f"{live_server.url}/opinions/new/")
    page.fill("#id_content", "一二三四五")
    assert page.locator("#lz-count").inner_text().startswith("已写 5 /")
