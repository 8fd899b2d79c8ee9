"""The user guide's screenshots: each role's main pages at desktop size (1280×800), as that role.

Every run saves them, palette-reduced, under test-artifacts/guide/; with LUZHI_GUIDE_IMAGES=1 it also
writes them into docs/guide/img/, where the guide (docs/guide/<role>.md, served at /help/<role>/)
shows them. The walk also checks what the guide promises: each page opens for that role and its
帮助 link leads to that role's guide.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e import roles
from tests.e2e.conftest import login, watch_csp
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "guide"
GUIDE_IMAGES = ROOT / "docs" / "guide" / "img"


def small_png(raw: bytes) -> bytes:
    """The screenshot in at most 64 colours: a page of text and flat colours stays readable at a fifth of the size."""
    image = Image.open(io.BytesIO(raw)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize("slug", ["member", "office", "leader", "unit", "upper"])
def test_each_roles_main_pages_for_the_guide(browser, live_server, slug):
    scene = roles.build()
    user = scene.users[slug]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    write_docs = os.environ.get("LUZHI_GUIDE_IMAGES") == "1"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        login(page, live_server, user.username, PASSWORD)
        for name, path in scene.pages[slug]:
            response = page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status == 200, f"{slug} {path}: {response and response.status}"
            assert page.get_attribute("#lz-help", "href") == f"/help/{slug}/", (
                f"{path}: 帮助 does not lead to the {slug} guide"
            )
            png = small_png(page.screenshot())
            (ARTIFACTS / f"{slug}-{name}.png").write_bytes(png)
            if write_docs:
                (GUIDE_IMAGES / f"{slug}-{name}.png").write_bytes(png)
        page.click("#lz-help")
        page.wait_for_load_state("networkidle")
        assert page.locator(f"[data-guide={slug}]").count() == 1
    finally:
        context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"
