"""Browser flows: Playwright driving Debian's chromium against pytest-django's live server.

No browser is downloaded: the flows need /usr/bin/chromium (Debian package `chromium`).
Without it they are reported by name as not run — and under CI=true that is a failure.
"""

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import require_system_package

CHROMIUM = os.environ.get("LUZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# A screenshot of every page a flow opens (LUZHI_SCREENSHOTS=each) costs the suite a PNG per step;
# by default each test leaves the page as it ended.
EACH_PAGE = os.environ.get("LUZHI_SCREENSHOTS") == "each"

# Playwright's sync API runs an event loop in this thread; Django's ORM use in fixtures is
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# A Content-Security-Policy violation fails the test: the browser reports it on the console,
# and the init script reports the violation events too (Playwright's scripts are exempt from CSP).
CSP_WATCH = (
    "document.addEventListener('securitypolicyviolation', (e) => "
    "console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
)


def watch_csp(context: Any) -> list[str]:
    violations: list[str] = []
    context.add_init_script(CSP_WATCH)
    context.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if msg.type == "error" and ("Content Security Policy" in msg.text or "CSP violation" in msg.text)
            else None
        ),
    )
    return violations


def screenshot_each_page(page: Any, test_name: str) -> Any:
    """Save a full-page screenshot after every page the test opens, into test-artifacts/.

    Each navigation the flow waits for (goto, reload, back, wait_for_url, wait_for_load_state)
    leaves `screenshots/<test>/NN-<path>.png`; the fixture adds the page as the test left it.
    """
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    count = itertools.count(1)

    def shoot(label: str | None = None) -> None:
        if page.is_closed():
            return
        name = label or (urlsplit(page.url).path.strip("/").replace("/", "-") or "home")
        page.screenshot(path=str(folder / f"{next(count):02d}-{name[:60]}.png"), full_page=True)

    if not EACH_PAGE:
        return shoot
    for method in ("goto", "reload", "go_back", "wait_for_url", "wait_for_load_state"):
        original = getattr(page, method)

        def wrapped(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            result = _original(*args, **kwargs)
            shoot()
            return result

        setattr(page, method, wrapped)
    return shoot


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    require_system_package(chromium_available(), f"找不到浏览器 {CHROMIUM}（Debian 软件包 chromium）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, request: Any) -> Iterator[Any]:
    """A desktop-size page; its screenshot is saved under test-artifacts/ after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    shoot = screenshot_each_page(page, request.node.name)
    yield page
    shoot("end")
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def phone_page(browser: Any, request: Any) -> Iterator[Any]:
    """A phone-size page (390×844, touch)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    shoot = screenshot_each_page(page, f"{request.node.name}-phone")
    yield page
    shoot("end")
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def login(page: Any, live_server: Any, username: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
