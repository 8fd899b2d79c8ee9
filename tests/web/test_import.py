"""The roster import page: template download, upload, row-by-row errors, nothing half-saved."""

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from luzhi.org.models import Member
from tests import factories as f
from tests.api.conftest import rewrite_part

pytestmark = pytest.mark.django_db

HEADERS = ["姓名*", "性别*", "民族", "出生日期", "政治面貌", "职务", "界别"]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_import_page_is_for_the_office_only(users, page):
    assert page(users["office"]).get("/org/members/import/").status_code == 200
    assert page(users["leader"]).get("/org/members/import/").status_code == 403
    assert page(users["leader"]).get("/org/members/import/template/").status_code == 403
    response = page(users["member"]).post("/org/members/import/", {"file": _xlsx([["某某", "男"]])})
    assert response.status_code == 403
    assert not Member.objects.filter(name="某某").exists()


def test_template_download_lists_the_committees_sectors(committee, users, page):
    f.SectorFactory(committee=committee, name="经济界")
    response = page(users["office"]).get("/org/members/import/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)
    assert "经济界" in notes


def test_upload_creates_the_members_and_says_how_many(committee, users, page):
    f.SectorFactory(committee=committee, name="经济界")
    upload = _xlsx(
        [
            ["导入甲", "男", "汉族", "1970-01-02", "民盟", "委员", "经济界"],
            ["导入乙", "女", "", "", "", "常委", ""],
        ]
    )
    response = page(users["office"]).post("/org/members/import/", {"file": upload}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "成功导入 2 名委员" in html
    assert "<html" not in html  # htmx gets only the result fragment
    assert set(Member.objects.filter(committee=committee, name__startswith="导入").values_list("name", flat=True)) == {
        "导入甲",
        "导入乙",
    }


def test_a_bad_row_lists_row_column_and_reason_and_saves_nothing(committee, users, page):
    upload = _xlsx([["好行", "男"], ["坏行", "男", "汉族", "2023-02-30"], ["", "女"]])
    response = page(users["office"]).post("/org/members/import/", {"file": upload}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "没有保存任何委员" in html
    assert "第 3 行" in html and "出生日期" in html and "不是有效日期" in html
    assert "第 4 行" in html and "姓名" in html
    assert not Member.objects.filter(name__in=["好行", "坏行"]).exists()


def test_a_file_that_is_not_xlsx_is_rejected_in_chinese(users, page):
    upload = SimpleUploadedFile("roster.xlsx", "姓名,性别\n张三,男\n".encode())
    response = page(users["office"]).post("/org/members/import/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "不是有效的 XLSX" in html and "没有保存任何委员" in html


def test_an_oversize_file_is_rejected(users, page, settings):
    settings.LUZHI_IMPORT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.xlsx", b"x" * 4096)
    html = page(users["office"]).post("/org/members/import/", {"file": upload}).content.decode()
    assert "文件超过" in html


def test_posting_without_a_file_asks_for_one(users, page):
    html = page(users["office"]).post("/org/members/import/", {}).content.decode()
    assert "请选择要导入的 XLSX 文件" in html


def test_a_formula_cell_is_imported_as_text(users, page):
    upload = _xlsx([["=1+2", "男"]])
    page(users["office"]).post("/org/members/import/", {"file": upload})
    assert Member.objects.filter(name="=1+2").exists()


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda xml: b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + xml, "DTD"),
        (lambda xml: xml[:40], "不是有效的 XLSX"),
        (
            lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD300000"/>', xml).replace(
                b"</sheetData>", b'<row r="300000"><c r="A300000"><v>1</v></c></row></sheetData>'
            ),
            "300000",
        ),
    ],
    ids=["external-entity", "malformed", "dimension-bomb"],
)
def test_a_hostile_workbook_is_refused_quickly_in_chinese(users, page, edit, says):
    upload = rewrite_part(io.BytesIO(_xlsx([["某某", "男"]]).read()), "xl/worksheets/sheet1.xml", edit)
    started = time.process_time()
    response = page(users["office"]).post("/org/members/import/", {"file": SimpleUploadedFile("r.xlsx", upload.read())})
    assert time.process_time() - started < 2
    html = response.content.decode()
    assert response.status_code == 200
    assert says in html and "没有保存任何委员" in html
    assert not Member.objects.filter(name="某某").exists()
