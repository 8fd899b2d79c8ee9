"""The user guide: one page per role, reachable from the 帮助 link of every page, pictures present."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from luzhi.core.roles import Role
from luzhi.guide import markdown
from luzhi.guide.guides import FOLDER, GUIDES, guide_for
from tests import factories as f

pytestmark = pytest.mark.django_db

# Each guide walks its reader through these steps (menu entries and buttons as the pages name them).
MAIN_STEPS = {
    "member": ["撰写提案", "提交", "评价答复", "请假", "签到", "写信息", "民情记录", "我的履职", "申诉"],
    "office": [
        "委员名册",
        "导入名册",
        "新建活动",
        "请假审批",
        "立案",
        "交办",
        "待办信息",
        "采用",
        "督办事项",
        "考评细则",
        "积分申诉",
    ],
    "leader": ["督办台账", "调研课题", "重点提案", "记录督办活动", "履职积分"],
    "unit": ["提案列表", "办理期限", "提交答复", "申请调整承办单位", "协办意见"],
    "upper": ["下级政协", "上报", "待办信息", "领导批示", "期刊编发"],
    "admin": ["三员分立", "动态口令", "用户管理", "批量开通账号", "安全设置", "审计日志"],
}
EXPECTED = {
    Role.MEMBER: "member",
    Role.LEADER: "leader",
    Role.UNIT: "unit",
    Role.OFFICE: "office",
    Role.COMMITTEE_STAFF: "office",
    Role.SYSADMIN: "admin",
    Role.SECADMIN: "admin",
    Role.AUDITOR: "admin",
}
MENU_LINK = re.compile(r'class="dropdown-item[^"]*" href="(/[^"]*)"')


def help_href(html: str) -> str:
    match = re.search(r'<a [^>]*href="([^"]+)"[^>]*id="lz-help"', html)
    assert match, "the page has no 帮助 link"
    return match.group(1)


def test_every_role_has_a_guide_that_names_its_main_steps():
    assert set(MAIN_STEPS) == set(GUIDES)
    for slug, steps in MAIN_STEPS.items():
        text = GUIDES[slug].path.read_text(encoding="utf-8")
        missing = [step for step in steps if step not in text]
        assert not missing, f"{slug}.md does not mention {missing}"


def test_every_picture_a_guide_shows_exists_and_the_pictures_stay_small():
    shown: set[str] = set()
    for guide in GUIDES.values():
        names = markdown.image_names(guide.path.read_text(encoding="utf-8"))
        for name in names:
            data = (FOLDER / "img" / name).read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG"
        shown |= set(names)
    assert len(shown) >= 20  # the five business roles' guides carry screenshots
    total = sum(p.stat().st_size for p in (FOLDER / "img").glob("*.png"))
    assert total < 3 * 1024 * 1024
    unused = {p.name for p in (FOLDER / "img").glob("*.png")} - shown
    assert not unused, f"pictures no guide shows: {unused}"


def test_the_guide_page_shows_the_markdown_with_its_pictures_served(client):
    html = client.get("/help/member/").content.decode()
    assert "<h1>委员使用指南</h1>" in html
    srcs = re.findall(r'<img src="([^"]+)"', html)
    assert srcs and all(src.startswith("/static/guide/member-") for src in srcs)
    for src in srcs[:2]:
        response = client.get(src)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:4] == b"\x89PNG"


def test_guides_are_readable_without_login_and_an_unknown_one_is_404(client):
    index = client.get("/help/")
    assert index.status_code == 200
    for slug in GUIDES:
        assert f'href="/help/{slug}/"' in index.content.decode()
        assert client.get(f"/help/{slug}/").status_code == 200
    missing = client.get("/help/nobody/")
    assert missing.status_code == 404
    assert help_href(client.get("/login/").content.decode()) == "/help/"


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_menu_page_has_a_help_link_to_the_readers_guide(users, page, role):
    client: Client = page(users[role])
    home = client.get("/").content.decode()
    paths = ["/", *dict.fromkeys(MENU_LINK.findall(home))]
    assert len(paths) > 2
    expected = f"/help/{EXPECTED[role]}/"
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert help_href(response.content.decode()) == expected, path
    assert client.get(expected).status_code == 200


def test_an_office_of_a_committee_with_lower_ones_gets_the_upper_guide(committee, make_user):
    city_office = make_user(Role.OFFICE, committee.parent)
    assert guide_for(city_office).slug == "upper"
    assert guide_for(make_user(Role.OFFICE, committee)).slug == "office"
    assert guide_for(f.UserFactory.build(role=Role.OFFICE, committee=committee, is_superuser=True)).slug == "admin"


def test_the_help_link_of_an_upper_office_leads_to_the_upper_guide(committee, make_user, page):
    html = page(make_user(Role.OFFICE, committee.parent)).get("/").content.decode()
    assert help_href(html) == "/help/upper/"


def test_markdown_escapes_text_and_allows_only_links_on_this_site():
    html = markdown.render("# 标题 <script>\n\n正文 **重点** `代码` [委员](member.md)\n\n1. 第一步\n2. 第二步\n")
    assert "<h1>标题 &lt;script&gt;</h1>" in html
    assert '<strong>重点</strong> <code>代码</code> <a href="/help/member/">委员</a>' in html
    assert "<ol>\n<li>第一步</li>\n<li>第二步</li>\n</ol>" in html
    with pytest.raises(ValueError):
        markdown.render("[外站](https://example.com/)")
    with pytest.raises(ValueError):
        markdown.render("[外站](//example.com/)")
