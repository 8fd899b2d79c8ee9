"""XLSX in and out: one writer for every export (safe against formula injection), one guarded reader for imports."""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.parsers import expat

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from rest_framework.renderers import BaseRenderer, JSONRenderer

from luzhi.core import clock
from luzhi.core.downloads import attachment

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What the API writes for a date or a time (DRF's ISO 8601): written to a sheet as a real date.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE = 2000  # rows looked at to fit the column widths


def _as_date(value: str) -> date | datetime | str:
    """An ISO date or date-time string as a date or a local naive datetime; any other string as it is."""
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if _ISO_DATETIME.fullmatch(value):
            return _naive(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        pass
    return value


def _naive(value: datetime) -> datetime:
    """Excel has no time zones: an aware time is written as the local (Asia/Shanghai) wall-clock time."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def cell_value(value: Any) -> Any:
    """What a sheet stores for a value: lists and dicts as text, ISO strings as dates, no control characters."""
    if isinstance(value, bool):
        value = "是" if value else "否"  # as the pages say it; TRUE / FALSE is no answer to a clerk
    elif isinstance(value, (list, tuple)):
        value = "、".join(str(cell_value(v)) for v in value)
    elif isinstance(value, dict):
        value = "；".join(f"{k}：{cell_value(v)}" for k, v in value.items())
    elif isinstance(value, datetime):
        value = _naive(value)
    elif isinstance(value, Decimal):
        value = float(value)
    elif value is not None and not isinstance(value, (int, float, date, bool, str)):
        value = str(value)
    if isinstance(value, str):
        value = _as_date(ILLEGAL_CHARACTERS_RE.sub("", value))  # control characters cannot be stored in a sheet
    return value


def display_width(value: Any) -> int:
    """How many columns a value takes on screen: a CJK (wide) character counts two, a date its printed form."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = "是" if value is True else "否" if value is False else str(value)
    longest = max((line for line in text.splitlines() or [""]), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _fitted_widths(headers: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[float]:
    widths = [display_width(h) for h in headers]
    for row in rows[:WIDTH_SAMPLE]:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], display_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def _cell(ws: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    value = cell_value(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # Stored as text with a quote prefix, so that spreadsheets show it and never run it.
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    if isinstance(value, date):
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    if isinstance(value, str) and "\n" in value:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
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


def sheet_title(title: str) -> str:
    """A valid sheet name (at most 31 characters, none of []:*?/\\) that is never Excel's default "Sheet"."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "", title).strip("'")[:31]
    return cleaned or "数据"


def finish_sheet(ws: Any) -> None:
    """Give an ordinary (not write-only) sheet the layout of every export: frozen header, fitted widths."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    if not rows:
        return
    ws.freeze_panes = "A2"
    for i, width in enumerate(_fitted_widths(rows[0], rows[1:]), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = DATETIME_FORMAT if isinstance(cell.value, datetime) else DATE_FORMAT
    quote_formulas(ws)


def workbook_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "数据") -> bytes:
    """The one XLSX writer: one sheet named `title`, a bold frozen header row, columns fitted to the content.

    Dates and times (also as ISO strings) become Excel dates, lists and dicts readable text, and
    text that a spreadsheet would run as a formula plain text.
    """
    values = [[cell_value(v) for v in row] for row in rows]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title(title))
    ws.freeze_panes = "A2"
    for i, width in enumerate(_fitted_widths(headers, values), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([_cell(ws, h, bold=True) for h in headers])
    for row in values:
        ws.append([_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(content: bytes, filename: str, fallback: str = "export") -> HttpResponse:
    """A download of a workbook under its Chinese name (`filename` without extension, ASCII `fallback`)."""
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = attachment(filename, "xlsx", fallback=fallback)
    return response


def export_title(view: Any) -> str:
    """The Chinese name of what a list view exports: its `xlsx_title`, else its model's plural name."""
    title = getattr(view, "xlsx_title", "")
    if not title:
        try:
            title = str(view.get_queryset().model._meta.verbose_name_plural)
        except Exception:  # noqa: BLE001 - a view without a queryset names itself through xlsx_title
            title = ""
    return title or "导出数据"


class XLSXRenderer(BaseRenderer):
    """`?format=xlsx` on any endpoint: rows of dicts become a sheet with the view's Chinese headers.

    The row id, kept for re-import, moves to the last column as 编号.
    """

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
        if any(key == "id" for key, _ in headers):
            headers = [(k, label) for k, label in headers if k != "id"] + [("id", "编号")]
        title = export_title(view)
        if getattr(view, "action", None) == "history":
            title = f"{title}修改记录"
        if response is not None and view is not None:
            name = f"{title}-{clock.today():%Y%m%d}"
            response["Content-Disposition"] = attachment(
                name, "xlsx", fallback=getattr(view, "xlsx_filename", "export")
            )
        return workbook_bytes(
            [label for _, label in headers], ([row.get(k) for k, _ in headers] for row in data), title=title
        )


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
