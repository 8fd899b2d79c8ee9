"""POST /api/v1/members/import/: every bad input is a 400 naming row and column, and saves nothing."""

import io
import re
import time

import pytest
from openpyxl import load_workbook

from luzhi.org.models import Member
from tests import factories as f
from tests.api.conftest import read_xlsx, rewrite_part, xlsx_file

pytestmark = pytest.mark.django_db

URL = "/api/v1/members/import/"


@pytest.fixture
def office(users, api):
    return api(users["office"])


@pytest.fixture
def template(office, committee):
    f.SectorFactory(committee=committee, name="教育界")
    f.TermFactory(committee=committee, number=10)
    response = office.get("/api/v1/members/import-template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_xlsx(response.content)


@pytest.fixture
def header(template):
    assert template[0][:2] == ["姓名*", "性别*"]
    return template[0]


def row(**cells):
    """One roster row in the template's column order."""
    values = {
        "姓名": "李四",
        "性别": "女",
        "民族": "汉族",
        "出生日期": "1980-01-02",
        "政治面貌": "民盟",
        "职务": "委员",
        "界别": "教育界",
        "专委会": None,
        "委员小组": None,
        "届次": 10,
        "工作单位及职务": "县一中",
        "手机号码": "13900001111",
    }
    values.update(cells)
    return list(values.values())


def post(client, upload):
    return client.post(URL, {"file": upload}, format="multipart")


def rejected(client, upload) -> list[dict]:
    before = Member.objects.count()
    response = post(client, upload)
    assert response.status_code == 400, response.content
    assert Member.objects.count() == before
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"row", "column", "message"} for e in errors)
    return errors


def test_the_filled_template_imports(office, template, header, committee):
    upload = xlsx_file([header, *template[1:2], row(), row(姓名="王五", 性别="男", 出生日期="1975/3/1")])
    response = post(office, upload)
    assert response.status_code == 201
    assert response.json() == {"created": 3}
    li = Member.objects.get(committee=committee, name="李四")
    assert (li.gender, li.party, li.sector.name, li.term.number, str(li.birth_date)) == (
        "F",
        "cdl",
        "教育界",
        10,
        "1980-01-02",
    )
    assert Member.objects.get(name="王五").birth_date.isoformat() == "1975-03-01"


@pytest.mark.parametrize(
    "content",
    [b"name,gender\n\xe6\x9d\x8e\xe5\x9b\x9b,F\n", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", b""],
    ids=["text", "pdf", "empty-file"],
)
def test_a_file_that_is_not_xlsx(office, content):
    upload = io.BytesIO(content)
    upload.name = "roster.xlsx"
    errors = rejected(office, upload)
    assert errors[0]["column"] == "文件"
    assert "XLSX" in errors[0]["message"]


def test_a_zip_that_is_not_a_workbook(office):
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("hello.txt", "hi")
    data.seek(0)
    data.name = "roster.xlsx"
    assert rejected(office, data)[0]["column"] == "文件"


def test_an_empty_workbook(office):
    errors = rejected(office, xlsx_file([]))
    assert errors == [{"row": 1, "column": "文件", "message": errors[0]["message"]}]


def test_headers_only(office, header):
    assert rejected(office, xlsx_file([header]))[0]["row"] == 2


def test_a_missing_required_column(office, header):
    without_gender = [h for h in header if h != "性别*"]
    errors = rejected(office, xlsx_file([without_gender, ["李四"]]))
    assert errors == [{"row": 1, "column": "性别", "message": "缺少此列，请使用下载的模板。"}]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"出生日期": "2023-02-30"}, "出生日期"),
        ({"出生日期": "昨天"}, "出生日期"),
        ({"性别": "X"}, "性别"),
        ({"性别": None}, "性别"),
        ({"姓名": None}, "姓名"),
        ({"职务": "组长"}, "职务"),
        ({"政治面貌": "火星党"}, "政治面貌"),
        ({"界别": "不存在的界别"}, "界别"),
        ({"届次": 99}, "届次"),
        ({"手机号码": "12345"}, "手机号码"),
        ({"姓名": "长" * 51}, "姓名"),
    ],
    ids=[
        "feb-30",
        "not-a-date",
        "gender",
        "no-gender",
        "no-name",
        "position",
        "party",
        "sector",
        "term",
        "phone",
        "long-name",
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(office, header, cells, column):
    errors = rejected(office, xlsx_file([header, row(姓名="甲"), row(**{"姓名": "乙", **cells})]))
    assert [(e["row"], e["column"]) for e in errors] == [(3, column)]


def test_every_bad_row_is_reported_at_once(office, header):
    errors = rejected(office, xlsx_file([header, row(性别="X"), row(姓名="乙"), row(姓名="丙", 出生日期="2023-02-30")]))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "性别"), (4, "出生日期")]


def test_a_member_already_in_the_roster(office, header, committee):
    from datetime import date

    f.MemberFactory(committee=committee, name="李四", birth_date=date(1980, 1, 2))
    errors = rejected(office, xlsx_file([header, row()]))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "姓名")]
    assert "已在名册中" in errors[0]["message"]


def test_a_member_twice_in_the_file(office, header):
    errors = rejected(office, xlsx_file([header, row(), row(姓名="王五"), row()]))
    assert [(e["row"], e["column"]) for e in errors] == [(4, "姓名")]
    assert "第 2 行" in errors[0]["message"]


def test_a_ten_megabyte_name_is_rejected(office, header):
    errors = rejected(office, xlsx_file([header, row(姓名="名" * (10 * 1024 * 1024))]))
    assert [(e["row"], e["column"]) for e in errors] == [(2, "姓名")]
    assert len(errors[0]["message"]) < 200


def test_an_oversize_file_is_rejected_before_it_is_read(office):
    import os

    upload = io.BytesIO(os.urandom(6 * 1024 * 1024))
    upload.name = "big.xlsx"
    errors = rejected(office, upload)
    assert errors[0]["column"] == "文件" and "MB" in errors[0]["message"]


def test_the_size_limit_applies_to_real_workbooks(office, header, settings):
    settings.LUZHI_IMPORT_MAX_BYTES = 1024
    assert "MB" in rejected(office, xlsx_file([header, row()]))[0]["message"]


def test_no_file_and_a_json_body(office):
    before = Member.objects.count()
    assert office.post(URL, {}, format="multipart").status_code == 400
    assert office.post(URL, {"file": "x"}, format="json").status_code == 400
    assert Member.objects.count() == before


def test_a_formula_is_stored_as_text_and_exported_as_text(office, header, committee):
    formula = '=HYPERLINK("http://evil.example/","点我")'
    response = post(office, xlsx_file([header, row(工作单位及职务=formula), row(姓名="=1+1", 出生日期="1970-01-01")]))
    assert response.status_code == 201
    assert Member.objects.get(committee=committee, name="李四").workplace == formula
    assert Member.objects.filter(committee=committee, name="=1+1").exists()

    exported = office.get("/api/v1/members/?format=xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    cells = {c.value: c for r in sheet.iter_rows() for c in r if isinstance(c.value, str) and c.value[:1] == "="}
    assert set(cells) == {formula, "=1+1"}
    for cell in cells.values():
        assert cell.data_type == "s"
        assert cell.quotePrefix is True


def test_the_template_lists_the_committees_sectors(office, committee):
    f.SectorFactory(committee=committee, name="医药卫生界")
    f.SectorFactory(committee=f.CommitteeFactory(), name="别人的界别")
    notes = load_workbook(io.BytesIO(office.get("/api/v1/members/import-template/").content))["填写说明"]
    text = " ".join(str(c.value) for r in notes.iter_rows() for c in r)
    assert "医药卫生界" in text and "别人的界别" not in text


# ---- hostile files: parsed safely, refused quickly, nothing saved ------------------------------

SHEET = "xl/worksheets/sheet1.xml"
XXE = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
# Entities b..i each ten times the one before: &i; would expand to a thousand million "a".
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(b'<!ENTITY %c "%s">' % (c, b"&%c;" % (c - 1) * 10) for c in range(ord("b"), ord("j")))
    + b"]>"
)


def filled(header):
    return xlsx_file([header, row()])


def with_prolog(prolog: bytes, cell_text: bytes = b""):
    def edit(xml: bytes) -> bytes:
        xml = prolog + xml
        return xml.replace("李四".encode("ascii", "xmlcharrefreplace"), cell_text) if cell_text else xml

    return edit


def assert_refused_as_not_xlsx(office, upload) -> dict:
    started = time.process_time()
    errors = rejected(office, upload)
    assert time.process_time() - started < 2
    assert errors[0]["column"] == "文件" and "XLSX" in errors[0]["message"], errors
    return errors[0]


def test_defusedxml_is_what_openpyxl_parses_with():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_an_external_entity_is_refused_and_never_read(office, header):
    upload = rewrite_part(filled(header), SHEET, with_prolog(XXE, b"&xxe;"))
    error = assert_refused_as_not_xlsx(office, upload)
    assert "DTD" in error["message"] and "root:" not in error["message"]


def test_an_entity_expansion_bomb_is_refused(office, header):
    assert_refused_as_not_xlsx(office, rewrite_part(filled(header), SHEET, with_prolog(LAUGHS, b"&i;")))


def test_a_dtd_without_entities_is_refused(office, header):
    upload = rewrite_part(filled(header), SHEET, with_prolog(b"<!DOCTYPE worksheet>"))
    assert "DTD" in assert_refused_as_not_xlsx(office, upload)["message"]


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"])
def test_a_dtd_in_any_part_is_refused(office, header, part):
    assert_refused_as_not_xlsx(office, rewrite_part(filled(header), part, with_prolog(XXE)))


@pytest.mark.parametrize(
    "part", [SHEET, "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]
)
def test_malformed_xml_in_any_part_is_a_bad_file(office, header, part):
    assert_refused_as_not_xlsx(office, rewrite_part(filled(header), part, lambda xml: xml[: len(xml) // 2]))


def test_a_sheet_broken_before_its_dimension_is_a_bad_file(office, header):
    assert_refused_as_not_xlsx(office, rewrite_part(filled(header), SHEET, lambda xml: xml[:40]))


def test_a_declared_dimension_beyond_the_limits_is_refused_before_reading(office, header):
    """The probe's 1.6 KB file: a declared A1:XFD300000 and one row at 300000 cost two minutes of CPU."""

    def bomb(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD300000"/>', xml)
        return xml.replace(b"</sheetData>", b'<row r="300000"><c r="A300000"><v>1</v></c></row></sheetData>')

    upload = rewrite_part(filled(header), SHEET, bomb)
    assert len(upload.getvalue()) < 20_000
    error = assert_refused_as_not_xlsx_or_size(office, upload)
    assert "300000" in error["message"]


def test_rows_beyond_the_limit_are_refused_even_without_a_dimension(office, header):
    def far_row(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)
        return xml.replace(b"</sheetData>", b'<row r="300000"><c r="A300000"><v>1</v></c></row></sheetData>')

    error = assert_refused_as_not_xlsx_or_size(office, rewrite_part(filled(header), SHEET, far_row))
    assert "5001" in error["message"] and "空行" in error["message"]


def test_blank_rows_count_towards_the_limit(office, header, monkeypatch):
    monkeypatch.setattr("luzhi.org.imports.MAX_ROWS", 3)
    rows = [header, row(), [None], [None], row(姓名="王五", 出生日期="1975-03-01")]
    assert "空行" in rejected(office, xlsx_file(rows))[0]["message"]
    assert post(office, xlsx_file(rows[:4])).status_code == 201


def test_a_row_wider_than_the_column_limit_is_refused(office, header):
    wide = [*row(), *([None] * 150), "x"]
    error = assert_refused_as_not_xlsx_or_size(office, xlsx_file([header, wide]))
    assert "列" in error["message"]


def test_a_zip_bomb_is_refused_by_its_unpacked_size(office, header):
    upload = rewrite_part(
        filled(header), SHEET, lambda xml: xml.replace(b"<sheetData>", b" " * (30 * 1024 * 1024) + b"<sheetData>")
    )
    assert len(upload.getvalue()) < 200_000
    assert "解压后" in assert_refused_as_not_xlsx_or_size(office, upload)["message"]


def test_an_import_past_its_time_budget_stops_and_saves_nothing(office, header, monkeypatch):
    monkeypatch.setattr("luzhi.core.xlsx.MAX_SECONDS", -1)
    errors = rejected(office, xlsx_file([header, row()]))
    assert "秒" in errors[0]["message"]


def assert_refused_as_not_xlsx_or_size(office, upload) -> dict:
    started = time.process_time()
    errors = rejected(office, upload)
    assert time.process_time() - started < 2
    assert errors[0]["column"] == "文件", errors
    return errors[0]
