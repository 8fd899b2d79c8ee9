"""Generated documents: the duty report (DOCX, PDF with fonts embedded) and the duty bulletin (DOCX, XLSX)."""

from __future__ import annotations

import io

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _docx_text(content: bytes) -> str:
    doc = read_docx(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_duty_report_as_docx_tells_the_year_from_the_ledger(api, year):
    a = year.members["a"]
    response = api(year.member_user).get(f"/api/v1/members/{a.pk}/duty-report/?year=2025&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = _docx_text(response.content)
    assert "委员A2025年度常委履职报告" in text
    assert "履职积分119分，等次为优秀" in text and "列第1名" in text
    assert "十届四次全体会议" in text and "关于农村饮水的情况反映" in text


def test_the_duty_report_as_pdf_embeds_chinese_fonts(api, users, year, cjk_fonts):
    from pypdf import PdfReader

    a = year.members["a"]
    response = api(users["office"]).get(f"/api/v1/members/{a.pk}/duty-report/?year=2025&format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "履职报告" in text and "委员A" in text
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts)


def test_bad_report_requests(api, users, year):
    a = year.members["a"]
    client = api(users["office"])
    assert client.get(f"/api/v1/members/{a.pk}/duty-report/?year=2025&format=exe").status_code == 400
    assert client.get(f"/api/v1/members/{a.pk}/duty-report/?year=2024&format=docx").status_code == 400
    assert client.get(f"/api/v1/members/{a.pk}/duty-report/?year=abc&format=docx").status_code == 400
    assert client.get("/api/v1/members/999999/duty-report/?year=2025&format=docx").status_code == 404
    assert api(users["unit"]).get(f"/api/v1/members/{a.pk}/duty-report/?year=2025").status_code == 403


def test_the_bulletin_as_docx_ranks_grades_and_warns(api, users, year):
    response = api(users["office"]).get("/api/v1/scores/bulletin/?year=2025&format=docx")
    assert response.status_code == 200
    text = _docx_text(response.content)
    assert "关于2025年度委员履职情况的通报" in text
    assert "优秀1名" in text and "不合格7名" in text  # a; b c d e f and the two users' members
    assert "委员B" in text and "无故缺席全体会议2次" in text


def test_the_bulletin_as_xlsx(api, users, year):
    response = api(users["leader"]).get("/api/v1/scores/bulletin/?year=2025&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("名次", "姓名", "积分", "等次", "预警事由")
    assert rows[1][:4] == (1, "委员A", 119, "优秀")
    assert any(r[1] == "委员B" and "无故缺席" in r[4] for r in rows[1:])


def test_the_bulletin_is_for_office_and_leaders_only(api, users, year):
    assert api(users["member"]).get("/api/v1/scores/bulletin/?year=2025&format=docx").status_code == 403
    assert api(users["office"]).get("/api/v1/scores/bulletin/?year=2024&format=docx").status_code == 400
    assert api(users["office"]).get("/api/v1/scores/bulletin/?year=2025&format=pdf").status_code == 400


def test_the_whole_term_archive_lists_each_year(api, year, cjk_fonts):
    from pypdf import PdfReader

    a = year.members["a"]
    response = api(year.member_user).get(f"/api/v1/members/{a.pk}/archive/?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "委员A履职档案" in text and "2025年" in text and "未制定考评细则" in text  # 2022–2024 have none


def test_the_archive_of_another_member_is_404(api, year):
    assert api(year.member_user).get(f"/api/v1/members/{year.members['b'].pk}/archive/?format=pdf").status_code == 404
    assert api(year.member_user).get(f"/api/v1/members/{year.members['a'].pk}/archive/?format=exe").status_code == 400
