"""Issue #17: a DOCX an office forwards is laid out as 公文 (GB/T 9704) in the fonts its PCs have.

Word and WPS on an office PC have 方正小标宋简体, 仿宋_GB2312, 黑体 and 楷体_GB2312: the DOCX names
them (w:eastAsia, which those programs use for Chinese text), while the PDF keeps embedding Noto CJK.
Page numbers are — 1 — on the outside edge, the red header's rule is a border and not typed dashes.
"""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

from docx import Document as ReadDocx
from docx.oxml.ns import qn
from pypdf import PdfReader

from luzhi.core.documents import (
    BODY_FONT,
    HEADING_FONT,
    SUBHEADING_FONT,
    TITLE_FONT,
    Document,
    Heading,
    Paragraph,
    cn_number,
    render_docx,
    render_pdf,
)


def _doc(**extra):
    return Document(
        title="关于加强乡村教育的提案",
        issuer="示例县政协办公室",
        number="2026年第3期",
        date=date(2026, 5, 1),
        blocks=[
            Heading("一、基本情况"),
            Paragraph("近年来，我县乡村学校教师流失严重。"),
            Heading("（一）存在问题", level=2),
            Paragraph("附件：无", indent=False),
        ],
        **extra,
    )


def _read(doc: Document):
    return ReadDocx(io.BytesIO(render_docx(doc)))


def _east_asia(paragraph) -> set[str]:
    return {run._element.rPr.rFonts.get(qn("w:eastAsia")) for run in paragraph.runs if run.text.strip()}


def _by_text(docx, text):
    return next(p for p in docx.paragraphs if p.text == text)


def test_docx_names_the_office_fonts_for_chinese_text():
    docx = _read(_doc())
    assert _east_asia(_by_text(docx, "关于加强乡村教育的提案")) == {TITLE_FONT} == {"方正小标宋简体"}
    assert _east_asia(_by_text(docx, "示例县政协办公室")) == {TITLE_FONT}
    assert _east_asia(_by_text(docx, "一、基本情况")) == {HEADING_FONT} == {"黑体"}
    assert _east_asia(_by_text(docx, "（一）存在问题")) == {SUBHEADING_FONT} == {"楷体_GB2312"}
    assert _east_asia(_by_text(docx, "近年来，我县乡村学校教师流失严重。")) == {BODY_FONT} == {"仿宋_GB2312"}
    normal = docx.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == BODY_FONT
    xml = docx.element.xml
    assert "Noto" not in xml  # PDF fonts are not what an office PC has


def test_pdf_still_embeds_noto_cjk(cjk_fonts):
    reader = PdfReader(io.BytesIO(render_pdf(_doc())))
    fonts = {
        str(d.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        for d in font.get_object().get("/DescendantFonts", [font])
    }
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in fonts), fonts


def _field_text(paragraph) -> tuple[str, list[str]]:
    """The paragraph's visible text and its field instructions."""
    xml = paragraph._p
    instructions = [t.text.strip() for t in xml.iter(qn("w:instrText"))]
    text = "".join(t.text for t in xml.iter(qn("w:t")))
    return text, instructions


def test_page_numbers_are_dashed_fields_on_the_outside_edge():
    docx = _read(_doc())
    assert docx.settings.odd_and_even_pages_header_footer
    section = docx.sections[0]
    odd = [p for p in section.footer.paragraphs if p._p.xpath(".//w:instrText")]
    even = [p for p in section.even_page_footer.paragraphs if p._p.xpath(".//w:instrText")]
    assert len(odd) == len(even) == 1
    for paragraph, side in ((odd[0], "right"), (even[0], "left")):
        text, instructions = _field_text(paragraph)
        assert instructions == ["PAGE"]
        assert text.startswith("— ") and text.endswith(" —")
        assert paragraph.alignment is not None and paragraph.alignment.name == side.upper()


def test_red_header_rule_is_a_red_border_not_dashes():
    docx = _read(_doc())
    texts = [p.text for p in docx.paragraphs]
    assert not any("——" in t or "—" * 3 in t for t in texts)
    bordered = [p for p in docx.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None]
    assert [p.text for p in bordered] == ["2026年第3期"]  # the rule sits under the issue number
    bottom = bordered[0]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single" and bottom.get(qn("w:color")).upper() == "C00000"
    # The schema order of pPr children is kept (Word refuses a file with pBdr after jc).
    children = [el.tag for el in bordered[0]._p.pPr]
    assert children.index(qn("w:pBdr")) < children.index(qn("w:jc"))


def test_body_is_indented_two_characters():
    docx = _read(_doc())
    ind = _by_text(docx, "近年来，我县乡村学校教师流失严重。")._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert _by_text(docx, "附件：无")._p.pPr.find(qn("w:ind")) is None


def test_unsigned_document_leaves_the_signature_to_its_text():
    signed = [p.text for p in _read(_doc()).paragraphs]
    unsigned = [p.text for p in _read(_doc(signed=False)).paragraphs]
    assert "示例县政协办公室　2026年5月1日" in signed and "示例县政协办公室　2026年5月1日" not in unsigned


def test_cn_number():
    assert [cn_number(n) for n in (1, 5, 10, 11, 16, 20, 21, 99)] == [
        "一",
        "五",
        "十",
        "十一",
        "十六",
        "二十",
        "二十一",
        "九十九",
    ]


def test_pdf_page_numbers_sit_on_the_outside_edge(cjk_fonts, tmp_path: Path):
    from luzhi.core.documents import PageBreak

    pdf = render_pdf(Document(title="页码", blocks=[Paragraph("第一页"), PageBreak(), Paragraph("第二页")]))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    positions = []
    for page in reader.pages:
        found = []

        def visit(text, cm, tm, font, size, found=found):
            if "—" in text:
                found.append(tm[4])

        page.extract_text(visitor_text=visit)
        assert found, "no — n — on the page"
        positions.append(min(found))
    width = float(reader.pages[0].mediabox.width)
    assert positions[0] > width / 2 > positions[1]  # page 1 (odd) right, page 2 (even) left
    (tmp_path / "p.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "20", str(tmp_path / "p.pdf"), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p*.png"))) == 2
