"""XLSX output: one writer for every export, safe against formula injection."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from rest_framework.renderers import BaseRenderer, JSONRenderer

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(ws: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = "；".join(f"{k}：{v}" for k, v in value.items())
    elif isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    elif value is not None and not isinstance(value, (int, float, date, bool, str)):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters cannot be stored in a sheet
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # Stored as text with a quote prefix, so that spreadsheets show it and never run it.
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd" if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
    if bold:
        cell.font = Font(bold=True)
    return cell


def quote_formulas(ws: Any) -> None:
    """Make every text cell of an ordinary (not write-only) sheet that would run as a formula plain text."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True


def workbook_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Sheet1") -> bytes:
    """Write one sheet with a bold header row and return the XLSX file's bytes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")
    ws.append([_cell(ws, h, bold=True) for h in headers])
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class XLSXRenderer(BaseRenderer):
    """`?format=xlsx` on any endpoint: rows of dicts become a sheet with the view's Chinese headers."""

    media_type = XLSX_MIME
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            # Errors stay readable: a client asking for a file gets API.md's JSON error instead.
            response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, "application/json", renderer_context)
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        data = data or []
        if not hasattr(view, "xlsx_headers"):
            keys = list(data[0].keys()) if data else []
            headers = [(k, k) for k in keys]
        else:
            headers = view.xlsx_headers()
        if response is not None and view is not None:
            name = getattr(view, "xlsx_filename", "export")
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return workbook_bytes([label for _, label in headers], ([row.get(k) for k, _ in headers] for row in data))
