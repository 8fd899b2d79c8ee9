"""Each role's main pages on a phone (390×844): nothing wider than the screen, no text under 12 px,
no picture that fails to load.

What fails, page by page (`AUDIT` below):
- the page scrolls sideways (the document is wider than the viewport);
- a table wider than the screen. A table may be wider only inside a wrapper that scrolls sideways
  by itself (`overflow-x: auto|scroll`, Bootstrap's `.table-responsive`) and that itself fits the
  screen: the reader swipes the table, never the page. Even then a table may be at most twice the
  screen's width, so no more than half of it is ever out of sight; list tables should rather be cards
  (`.lz-cards`, see static/luzhi/luzhi.css);
- visible text whose computed font-size is under 12 px (SVG text: as drawn, times the drawing's scale);
- an <img> that did not load (naturalWidth 0 once the page has loaded).

One browser context for the module (phone viewport, touch), logged in afresh for each role; each
role's committee is built by tests/e2e/roles.py, as for the guide's screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from luzhi.guide.guides import guide_for
from tests.conftest import otp_code
from tests.e2e import roles
from tests.e2e.conftest import login, watch_csp
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 390, 844
MAX_SCROLLED_TABLE = 2 * WIDTH
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "phone"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'

AUDIT = """
([maxTable]) => {
  const vw = document.documentElement.clientWidth;
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const problems = [];
  if (document.documentElement.scrollWidth > vw) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px > ${vw}px`);
  }
  for (const table of document.querySelectorAll('table')) {
    if (!shown(table)) continue;
    const width = Math.max(table.scrollWidth, table.getBoundingClientRect().width);
    if (width <= vw) continue;
    let wrapper = table.parentElement;
    while (wrapper && wrapper !== document.body && !['auto', 'scroll'].includes(getComputedStyle(wrapper).overflowX)) {
      wrapper = wrapper.parentElement;
    }
    const box = wrapper && wrapper !== document.body ? wrapper.getBoundingClientRect() : null;
    if (!box || box.left < -1 || box.right > vw + 1) {
      problems.push(`table wider than the screen: ${name(table)} ${Math.round(width)}px`);
    } else if (width > maxTable) {
      problems.push(`table over twice the screen even in its scrolling wrapper: ${name(table)} ${Math.round(width)}px`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const small = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || small.has(el) || !shown(el)) continue;
    if (el.closest('script, style, noscript, .visually-hidden, [hidden]')) continue;
    // SVG text is drawn in the drawing's units: its size on screen is the font-size times the drawing's scale.
    const ctm = el instanceof SVGGraphicsElement ? el.getScreenCTM() : null;
    const size = Math.round(parseFloat(getComputedStyle(el).fontSize) * (ctm ? Math.hypot(ctm.a, ctm.b) : 1) * 10) / 10;
    if (size < 12) {
      small.add(el);
      problems.push(`text under 12px (${size}px): ${name(el)} “${node.textContent.trim().slice(0, 20)}”`);
    }
  }
  for (const img of document.images) {
    if (img.naturalWidth === 0) problems.push(`picture not loaded: ${img.getAttribute('src')}`);
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    """One phone-size page for the whole module; each test logs in as its role."""
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def audit(page: Any, url: str, shot: str) -> list[str]:
    """Open the page, keep its screenshot (test-artifacts/phone/) and return what is wrong with it."""
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    return page.evaluate(AUDIT, [MAX_SCROLLED_TABLE])


@pytest.mark.parametrize("slug", ["member", "office", "leader", "unit", "upper", "sysadmin", "secadmin", "auditor"])
def test_each_roles_main_pages_fit_a_phone(phone, live_server, slug):
    scene = roles.build()
    user = scene.users[slug]
    phone.context.clear_cookies()
    login(phone, live_server, user.username, PASSWORD)
    if phone.locator("input[name=code]").count():  # an administrator: the second factor
        phone.fill("input[name=code]", otp_code(user))
        phone.click("button[type=submit]")
        phone.wait_for_load_state("networkidle")
    assert "/login/" not in phone.url, f"{slug} did not get in"
    guide = guide_for(user).slug
    paths = [path for _name, path in scene.pages.get(slug, [])] + [*scene.phone_extra.get(slug, []), f"/help/{guide}/"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for n, path in enumerate(paths, 1):
        shot = f"{slug}-{n:02d}-" + (re.sub(r"\W+", "-", path.strip("/")) or "home")
        if problems := audit(phone, f"{live_server.url}{path}", shot):
            found[path] = problems
    assert not found, "\n".join(f"{path}: {p}" for path, problems in found.items() for p in problems)


def test_the_audit_finds_each_fault_it_promises(browser):
    """A page with one of each fault, and the same content done right (a blank page of its own, no CSP)."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    bad = (
        "<table><tr>" + "<td style='white-space:nowrap'>一列很宽的内容</td>" * 6 + "</tr></table>"
        "<div class='small-text'>小字</div><img src='/missing.png' alt='缺图'>"
        "<svg viewBox='0 0 720 300' width='360'><text x='10' y='20' font-size='14'>1月</text></svg>"
    )
    phone.set_content(
        f"<html><head>{VIEWPORT}<style>.small-text {{ font-size: 10px; }}</style></head><body>{bad}</body></html>"
    )
    problems = phone.evaluate(AUDIT, [MAX_SCROLLED_TABLE])
    assert any(p.startswith("table wider than the screen") for p in problems), problems
    assert any("text under 12px (10px)" in p for p in problems), problems
    assert any("text under 12px (7px)" in p and "1月" in p for p in problems), problems
    assert "picture not loaded: /missing.png" in problems
    good = (
        "<div style='overflow-x:auto'><table><tr>" + "<td>内容</td>" * 30 + "</tr></table></div>"
        "<svg viewBox='0 0 720 300' width='360'><text x='10' y='20' font-size='24'>1月</text></svg>"
    )
    phone.set_content(f"<html><head>{VIEWPORT}</head><body>{good}</body></html>")
    assert phone.evaluate(AUDIT, [MAX_SCROLLED_TABLE]) == []
    context.close()
