"""The reader's name across every page of a meeting PDF served to a member (confidential drafts).

The stamp is drawn once by WeasyPrint (so Chinese shows, with Debian's Noto CJK fonts) as a
transparent page of light diagonal text, then laid over each page of the material with pypdf,
scaled to that page's size. A file that is not a readable PDF is served as it is.
"""

from __future__ import annotations

import io
from html import escape

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError

_STAMP_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
body {{ margin: 0; font-family: "Noto Sans CJK SC", sans-serif; }}
.grid {{ position: absolute; inset: 0; overflow: hidden; }}
.mark {{ position: absolute; width: 120mm; transform: rotate(-30deg); color: rgba(155, 28, 28, 0.13);
        font-size: 15pt; white-space: nowrap; }}
</style></head><body><div class="grid">{marks}</div></body></html>"""


def _stamp_page(text: str) -> PageObject:
    from weasyprint import HTML

    marks = "".join(
        f'<div class="mark" style="left:{x}mm;top:{y}mm">{escape(text)}</div>'
        for y in range(10, 297, 55)
        for x in (-10, 95)
    )
    pdf = HTML(string=_STAMP_HTML.format(marks=marks)).write_pdf()
    return PdfReader(io.BytesIO(pdf)).pages[0]


def watermark_pdf(data: bytes, text: str) -> bytes | None:
    """The PDF with `text` across every page, or None when `data` is not a PDF pypdf can read."""
    try:
        writer = PdfWriter(clone_from=io.BytesIO(data))
        if writer.is_encrypted:
            return None
        pages = list(writer.pages)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError):
        return None
    stamp = _stamp_page(text)
    sw, sh = float(stamp.mediabox.width), float(stamp.mediabox.height)
    for page in pages:
        box = page.mediabox
        pw, ph = float(box.width), float(box.height)
        page.merge_transformed_page(
            stamp, Transformation().scale(pw / sw, ph / sh).translate(float(box.left), float(box.bottom))
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
