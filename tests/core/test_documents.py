"""The one document renderer: DOCX and PDF in the official layout, Chinese fonts embedded, text escaped."""

import io
from datetime import date

import pytest
from docx import Document as ReadDocx
from pypdf import PdfReader

from luzhi.core.documents import (
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Table,
    cn_date,
    document_response,
    render_docx,
    render_html,
    render_pdf,
)

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def doc():
    return Document(
        title=f"关于加强乡村教育的提案{HOSTILE}",
        issuer="示例县政协办公室",
        number="2026年第3期",
        date=date(2026, 5, 1),
        blocks=[
            Heading("一、基本情况"),
            Paragraph("近年来，我县乡村学校教师流失严重。"),
            Heading("（一）存在问题", level=2),
            Table(["序号", "单位"], [[1, "县教育局"], [2, None]]),
            PageBreak(),
            Paragraph("附件：无", indent=False),
        ],
    )


def test_cn_date_has_no_leading_zeros():
    assert cn_date(date(2023, 5, 1)) == "2023年5月1日"
    assert cn_date(None) == ""


def test_docx_carries_every_block_in_order(doc):
    text = [p.text for p in ReadDocx(io.BytesIO(render_docx(doc))).paragraphs if p.text]
    assert text[0] == "示例县政协办公室"
    assert text[1] == "2026年第3期"
    assert f"关于加强乡村教育的提案{HOSTILE}" in text  # stored as text, never markup
    assert text.index("一、基本情况") < text.index("近年来，我县乡村学校教师流失严重。") < text.index("附件：无")
    assert text[-1] == "示例县政协办公室　2026年5月1日"
    table = ReadDocx(io.BytesIO(render_docx(doc))).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["1", "县教育局"]
    assert [c.text for c in table.rows[2].cells] == ["2", ""]


def test_html_escapes_user_text(doc):
    html = render_html(doc)
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts", [font])
            for d in descendants:
                d = d.get_object()
                if (
                    "/FontFile" in d["/FontDescriptor"]
                    or "/FontFile2" in d["/FontDescriptor"]
                    or ("/FontFile3" in d["/FontDescriptor"])
                ):
                    names.add(str(d["/BaseFont"]).split("+")[-1])
    return names


def test_pdf_embeds_chinese_fonts_and_shows_the_text(doc, cjk_fonts):
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    assert len(reader.pages) == 2  # the page break
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"} <= _fonts(reader)
    text = reader.pages[0].extract_text()
    assert "示例县政协办公室" in text and "一、基本情况" in text


def test_a3_landscape_page_size(cjk_fonts):
    pdf = render_pdf(Document(title="公示栏", page_size="A3", landscape=True, blocks=[Paragraph("x")]))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (1191, 842)  # A3 landscape in points


def test_document_response_names_the_file(doc):
    response = document_response(doc, "docx", "提案汇编")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''%E6%8F%90%E6%A1%88%E6%B1%87%E7%BC%96.docx" in response["Content-Disposition"]
    with pytest.raises(ValueError):
        document_response(doc, "odt", "x")
