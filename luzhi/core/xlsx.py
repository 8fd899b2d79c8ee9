"""XLSX in and out: one writer for every export (safe against formula injection), one guarded reader for imports."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any
from xml.parsers import expat

from django.utils import timezone
from openpyxl import Workbook, load_workbook
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


# ---- reading an uploaded workbook ----------------------------------------------------------

NOT_XLSX = "文件不是有效的 XLSX 表格，请使用下载的模板填写后上传。"
MAX_COLUMNS = 100
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # all parts together, unpacked: a tiny zip may unpack to gigabytes
MAX_PARTS = 500
MAX_SECONDS = 30.0


class SheetRejected(Exception):
    """The workbook cannot be read within the limits; `row` is 0 for the file as a whole."""

    def __init__(self, message: str, row: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


class Deadline:
    """A wall-clock budget for one import, checked per row so that no file can hold a worker for long."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = MAX_SECONDS if seconds is None else seconds
        self.at = time.monotonic() + self.seconds

    def check(self, row: int = 0) -> None:
        if time.monotonic() > self.at:
            raise SheetRejected(f"表格处理超过 {self.seconds:g} 秒，已停止，未导入任何数据；请分批导入。", row)


class _Doctype(Exception):
    pass


class _Root(Exception):
    pass


def _raise(exc: type[Exception]) -> Any:
    def handler(*_: Any) -> None:
        raise exc

    return handler


def _has_doctype(stream: IO[bytes]) -> bool:
    """Whether an XML part declares a DTD: the prolog up to the root element is parsed, nothing more."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _raise(_Doctype)
    parser.StartElementHandler = _raise(_Root)
    try:
        while chunk := stream.read(16 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Doctype:
        return True
    except (_Root, expat.ExpatError):
        return False  # a malformed part is openpyxl's to refuse if it reads it at all
    return False


def _check_package(file: IO[bytes]) -> None:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetRejected(NOT_XLSX) from None
    with archive:
        parts = archive.infolist()
        # zipfile never unpacks a part beyond its declared size, so the declared sizes bound the work.
        if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
            limit = MAX_UNPACKED_BYTES // (1024 * 1024)
            raise SheetRejected(f"表格解压后超过 {limit} MB，无法导入；请删除多余的工作表和格式后重试。")
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                try:
                    with archive.open(part) as stream:
                        doctype = _has_doctype(stream)
                except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                    raise SheetRejected(NOT_XLSX) from None
                if doctype:
                    # Excel never writes a DTD; one is an entity-expansion or external-entity attack.
                    raise SheetRejected(NOT_XLSX + "（文件含有不允许的 DTD 声明。）")
    file.seek(0)


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_first_sheet(
    file: IO[bytes], *, max_rows: int, max_columns: int = MAX_COLUMNS, deadline: Deadline | None = None
) -> list[tuple[int, list[Any]]]:
    """The non-blank rows of the first sheet with their row numbers; refuse any file beyond the limits.

    Every row read counts towards `max_rows`, blank ones too, and a sheet that declares more rows or
    columns than allowed is refused before any row is read. DTDs are refused outright and openpyxl
    parses through defusedxml, so no entity is ever expanded.
    """
    deadline = deadline or Deadline()
    _check_package(file)
    try:
        wb = load_workbook(file, read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - malformed XML, a bad zip or any other parse failure is a bad file
        raise SheetRejected(NOT_XLSX) from None
    try:
        if not wb.worksheets:
            return []
        ws = wb.worksheets[0]
        declared_rows, declared_columns = ws.max_row or 0, ws.max_column or 0
        if declared_rows > max_rows or declared_columns > max_columns:
            raise SheetRejected(
                f"表格声明了 {declared_rows} 行、{declared_columns} 列，超过上限（{max_rows} 行、{max_columns} 列）；"
                "请删除多余的空行空列或分批导入。"
            )
        rows = []
        # One column past the limit is read to tell a row that is too wide; no row is padded beyond it.
        cells = ws.iter_rows(max_row=max_rows + 1, max_col=max_columns + 1, values_only=True)
        for number, values in enumerate(cells, start=1):
            deadline.check(number)
            if number > max_rows:
                raise SheetRejected(f"表格超过 {max_rows} 行（空行也计入），请分批导入。", number)
            if len(values) > max_columns and values[max_columns] is not None:
                raise SheetRejected(f"表格超过 {max_columns} 列，请使用下载的模板。", number)
            if not _blank(values):
                row = list(values[:max_columns])
                while row[-1] is None:
                    row.pop()
                rows.append((number, row))
        return rows
    except SheetRejected:
        raise
    except Exception:  # noqa: BLE001 - a damaged sheet inside a valid zip is a bad file, not a crash
        raise SheetRejected(NOT_XLSX) from None
    finally:
        wb.close()
