"""The browser fixtures of tests/e2e (Playwright on Debian's chromium, screenshots under test-artifacts/)."""

from tests.e2e.conftest import browser, chromium_available, login, page, phone_page  # noqa: F401
