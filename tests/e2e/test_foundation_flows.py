"""Browser flows of the foundation: log in, filter the roster, import a roster with a bad row."""

import io

import pytest
from openpyxl import Workbook

from luzhi.org.imports import COLUMNS
from luzhi.org.models import Member
from luzhi.org.serializers import mask_phone
from tests import factories as f
from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roster(committee):
    sector = f.SectorFactory(committee=committee, name="教育界")
    standing = [
        f.MemberFactory(committee=committee, name=n, position="standing", sector=sector) for n in ("王建国", "李秀英")
    ]
    ordinary = [f.MemberFactory(committee=committee, name=n) for n in ("张伟", "刘芳", "陈静")]
    return {"sector": sector, "standing": standing, "ordinary": ordinary}


def test_office_logs_in_and_filters_the_roster(page, live_server, users, roster):
    login(page, live_server, users["office"].username, PASSWORD)
    assert page.url.rstrip("/") == live_server.url
    assert "示例县政协" in page.content()

    page.goto(f"{live_server.url}/org/members/")
    for member in roster["standing"] + roster["ordinary"]:
        assert page.get_by_role("link", name=member.name).first.is_visible()

    page.select_option("select[name=position]", "standing")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    assert "position=standing" in page.url
    for member in roster["standing"]:
        assert page.get_by_role("link", name=member.name).first.is_visible()
    for member in roster["ordinary"]:
        assert page.get_by_role("link", name=member.name).count() == 0


def test_wrong_password_shows_a_chinese_error(page, live_server, users):
    login(page, live_server, users["office"].username, "Wrong#password1")
    assert "/login/" in page.url
    assert "用户名" in page.content() and "密码" in page.content()
    assert page.locator(".alert-danger, .errorlist, .invalid-feedback").count() > 0


def _roster_file(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([header for header, _, _ in COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_with_one_bad_row_shows_the_error_and_saves_nothing(page, live_server, users, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(
        _roster_file(
            [
                [
                    "赵志强",
                    "男",
                    "汉族",
                    "1970-05-01",
                    "民盟",
                    "委员",
                    "",
                    "",
                    "",
                    "",
                    "县医院医生",
                    "13800001111",
                ],
                ["孙丽", "女", "回族", "2023-02-30", "群众", "委员", "", "", "", "", "", "13800002222"],
            ]
        )
    )
    before = Member.objects.count()
    login(page, live_server, users["office"].username, PASSWORD)
    page.goto(f"{live_server.url}/org/members/import/")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.get_by_role("button", name="上传并导入").click()
    error_table = page.locator("#import-result table")
    error_table.wait_for()
    text = error_table.inner_text()
    assert "第 3 行" in text
    assert "出生日期" in text
    assert "没有保存" in page.locator("#import-result").inner_text()
    assert Member.objects.count() == before


def test_a_member_reads_the_roster_on_a_phone(phone_page, live_server, users, roster):
    login(phone_page, live_server, users["member"].username, PASSWORD)
    phone_page.goto(f"{live_server.url}/org/members/")
    assert phone_page.locator("text=王建国 >> visible=true").count() >= 1
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the roster overflows a phone screen ({width}px)"
    content = phone_page.content()
    for member in roster["standing"] + roster["ordinary"]:
        assert member.phone not in content, "a member must not see full phone numbers"
        assert mask_phone(member.phone) in content
