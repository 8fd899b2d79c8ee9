"""The one document renderer: a structured document → DOCX (python-docx) or PDF (WeasyPrint).

Every printable thing in Luzhi — the proposal compilation, a bulletin issue, a duty report,
the board for the office wall — is built as a `Document` of blocks and rendered here, so
that all of them share the official layout (公文格式: 小标宋-style title, 仿宋-style body,
2-character first-line indent, red header for bulletins) and embed Chinese fonts in PDFs
(Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from docx import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from luzhi.core import clock
from luzhi.core.downloads import attachment

# PDFs embed these (Debian's fonts-noto-cjk), so that they print the same everywhere.
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
# A DOCX names the fonts an office PC has (GB/T 9704): Word and WPS there substitute nothing.
TITLE_FONT = "方正小标宋简体"  # title and red header
BODY_FONT = "仿宋_GB2312"  # body text, 3号
HEADING_FONT = "黑体"  # 一、 level-1 headings
SUBHEADING_FONT = "楷体_GB2312"  # （一） level-2 headings
PAGE_NUMBER_FONT = "宋体"  # — 1 —, 4号
RED = RGBColor(0xC0, 0x00, 0x00)
RED_HEX = "C00000"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: 一、 section heading (黑体); 2: （一） sub-heading (楷体-like, bold)


@dataclass
class Paragraph:
    text: str
    indent: bool = True
    align: Literal["left", "center", "right"] = "left"
    bold: bool = False


@dataclass
class Table:
    headers: list[str]
    rows: list[list[object]]
    widths: list[float] | None = None  # relative column widths


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Table | PageBreak


@dataclass
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    issuer: str = ""  # red header text, e.g. 示例县政协办公室
    number: str = ""  # issue or document number under the red header, e.g. 第3期
    date: date | None = None
    signed: bool = True  # the issuer and date under a red-header document (False: the text carries its own)
    subtitle: str = ""
    page_size: Literal["A4", "A3"] = "A4"
    landscape: bool = False
    footer: str = ""

    @property
    def red_header(self) -> bool:
        return bool(self.issuer)


def cn_date(value: date | None) -> str:
    """2023年5月1日 (no leading zeros, as official documents write it): `clock.cn_date`."""
    return clock.cn_date(value)


_CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 21 → 二十一 (届次 and 会议 numbers, 1 to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


def _set_font(
    run: Any, name: str = BODY_FONT, size: float = 16, bold: bool = False, color: RGBColor | None = None
) -> None:
    """Name the font for Latin and for Chinese text (w:eastAsia: what Word and WPS use for 汉字)."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _indent_two_characters(paragraph: Any) -> None:
    """First-line indent of two characters, as Word's 首行缩进 2 字符 (and 32 pt for older readers)."""
    paragraph.paragraph_format.first_line_indent = Pt(32)
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "200")


def _red_rule(paragraph: Any) -> None:
    """The red separator under the red header: a bottom border of the paragraph, as 公文 templates draw it."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "16"), ("space", "1"), ("color", RED_HEX)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    # pBdr comes before spacing, ind and jc in CT_PPr's sequence.
    successor = next((el for el in ppr if el.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc"), qn("w:rPr")}), None)
    if successor is not None:
        successor.addprevious(borders)
    else:
        ppr.append(borders)


def _page_number(paragraph: Any) -> None:
    """— PAGE — in 4号 宋体: the number is a field (each part in its own run), so that Word and WPS count pages."""
    _set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _set_font(run, PAGE_NUMBER_FONT, 14)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text  # what shows until the field is updated
    _set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, 14)


def _footers(out: Any, section: Any, text: str) -> None:
    """Page numbers on the outside edge: odd pages right, even pages left (different odd and even footers)."""
    out.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        first = footer.paragraphs[0]
        if text:
            first.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(first.add_run(text), BODY_FONT, 10)
            number = footer.add_paragraph()
        else:
            number = first
        number.alignment = align
        # 一字 in from the edge, as GB/T 9704 places the number.
        setattr(number.paragraph_format, f"{side}_indent", Pt(14))
        _page_number(number)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def render_docx(doc: Document) -> bytes:
    """Render the document as a DOCX file for editing in WPS or Word."""
    out = DocxDocument()
    section = out.sections[0]
    width, height = (Cm(29.7), Cm(42.0)) if doc.page_size == "A3" else (Cm(21.0), Cm(29.7))
    if doc.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = out.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    if doc.red_header:
        p = out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(doc.issuer), TITLE_FONT, 36, color=RED)
        last = p
        if doc.number:
            p = out.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(p.add_run(doc.number), BODY_FONT, 16)
            last = p
        _red_rule(last)
        last.paragraph_format.space_after = Pt(24)
    p = out.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run(doc.title), TITLE_FONT, 22)
    if doc.subtitle:
        p = out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(doc.subtitle), BODY_FONT, 16)
    if doc.date and not doc.red_header:
        p = out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(cn_date(doc.date)), BODY_FONT, 16)

    for block in doc.blocks:
        if isinstance(block, Heading):
            p = out.add_paragraph()
            _indent_two_characters(p)
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.line_spacing = Pt(28)
            if block.level == 1:
                p.paragraph_format.space_before = Pt(14)
            _set_font(p.add_run(block.text), HEADING_FONT if block.level == 1 else SUBHEADING_FONT, 16)
        elif isinstance(block, Paragraph):
            p = out.add_paragraph()
            p.alignment = {
                "left": WD_ALIGN_PARAGRAPH.JUSTIFY,
                "center": WD_ALIGN_PARAGRAPH.CENTER,
                "right": WD_ALIGN_PARAGRAPH.RIGHT,
            }[block.align]
            if block.indent and block.align == "left":
                _indent_two_characters(p)
            p.paragraph_format.line_spacing = Pt(28)
            _set_font(p.add_run(block.text), BODY_FONT, 16, bold=block.bold)
        elif isinstance(block, Table):
            table = out.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = ""
                _set_font(cell.paragraphs[0].add_run(header), HEADING_FONT, 11)
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = ""
                    _set_font(cell.paragraphs[0].add_run(_text(value)), BODY_FONT, 11)
        elif isinstance(block, PageBreak):
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    if doc.red_header and doc.date and doc.signed:
        p = out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_font(p.add_run(f"{doc.issuer}　{cn_date(doc.date)}"), BODY_FONT, 16)
    _footers(out, section, doc.footer)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def render_html(doc: Document) -> str:
    """The document as print-ready HTML (also used for the PDF)."""
    blocks = []
    for block in doc.blocks:
        kind = type(block).__name__.lower()
        blocks.append({"kind": kind, "block": block})
    return render_to_string(
        "core/document.html",
        {"doc": doc, "blocks": blocks, "date_text": cn_date(doc.date), "serif": SERIF, "sans": SANS},
    )


def render_pdf(doc: Document) -> bytes:
    """Render the document as a PDF with the Chinese fonts embedded."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(doc)).write_pdf()
    return pdf


# Set once by CoreConfig.ready (core.exports): takes a page's rendering off the request when a worker
# is there to do it, else None. Kept as a hook so that the renderer imports neither exports nor jobs.
PageDeferral = Callable[[HttpRequest, "Document", str, str], HttpResponse | None]
_page_deferral: PageDeferral | None = None


def defer_pages_with(deferral: PageDeferral | None) -> None:
    """Name the function that may take a page's document rendering to a worker (None: never)."""
    global _page_deferral
    _page_deferral = deferral


def document_response(doc: Document, fmt: str, filename: str, request: HttpRequest | None = None) -> HttpResponse:
    """An HTTP download of the document as `docx` or `pdf` (filename without extension).

    Pages pass their `request`: with Celery on (LUZHI_CELERY=1) the rendering then runs in a
    worker and the page waits for it (luzhi/core/exports.py). The API always answers the file.
    """
    if fmt not in ("pdf", "docx"):
        raise ValueError(f"unknown document format: {fmt}")
    on_page = request is not None and not request.path.startswith("/api/")
    if on_page and request is not None and _page_deferral is not None:
        queued = _page_deferral(request, doc, fmt, filename)
        if queued is not None:
            return queued
    if fmt == "pdf":
        content, mime = render_pdf(doc), PDF_MIME
    elif fmt == "docx":
        content, mime = render_docx(doc), DOCX_MIME
    else:
        raise ValueError(f"unknown document format: {fmt}")
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = attachment(filename, fmt)
    return response
