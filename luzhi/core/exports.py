"""Documents rendered off the request when Celery is on (issue 8: heavy work on Celery).

A page that offers a PDF or DOCX builds its `Document` in the request (the queries are
quick) and hands it to `document_response(..., request=request)`. Without Celery that
renders at once, as always. With `LUZHI_CELERY=1` the page instead answers "正在生成", the
`render_document` job renders the same `Document` with the same renderer in a worker, and
the page polls until the file can be downloaded. Only the user who asked may poll or
download; files are kept for a day (`purge_exports`).

The files live in the default storage under `exports/` (var/media, outside the web root),
with a small JSON record beside each, so every gunicorn process and worker sees them.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import asdict, fields
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from luzhi.core import documents as d
from luzhi.core import jobs
from luzhi.core.downloads import attachment

FOLDER = "exports"
KEEP = dt.timedelta(days=1)
_BLOCKS = {cls.__name__: cls for cls in (d.Heading, d.Paragraph, d.Table, d.PageBreak)}
_MIME = {"pdf": d.PDF_MIME, "docx": d.DOCX_MIME}


def to_payload(doc: d.Document) -> dict[str, Any]:
    """A JSON-safe copy of the document (table cells become the text they print as)."""
    data = asdict(doc)
    data["date"] = doc.date.isoformat() if doc.date else None
    data["blocks"] = []
    for block in doc.blocks:
        item = {"type": type(block).__name__, **asdict(block)}
        if isinstance(block, d.Table):
            item["rows"] = [[d._text(value) for value in row] for row in block.rows]
        data["blocks"].append(item)
    return data


def from_payload(data: dict[str, Any]) -> d.Document:
    blocks = []
    for item in data["blocks"]:
        cls = _BLOCKS[item["type"]]
        blocks.append(cls(**{f.name: item[f.name] for f in fields(cls)}))
    values = {f.name: data[f.name] for f in fields(d.Document) if f.name != "blocks"}
    values["date"] = dt.date.fromisoformat(data["date"]) if data["date"] else None
    return d.Document(blocks=blocks, **values)


def _paths(token: str, fmt: str) -> tuple[str, str]:
    return f"{FOLDER}/{token}.{fmt}", f"{FOLDER}/{token}.json"


@jobs.job("render_document", description="在后台生成 PDF / DOCX 文件，生成后由申请人下载。")
def render_document(*, token: str, fmt: str, payload: dict[str, Any]) -> str:
    doc = from_payload(payload)
    content = d.render_pdf(doc) if fmt == "pdf" else d.render_docx(doc)
    path, _ = _paths(token, fmt)
    default_storage.save(path, ContentFile(content))
    return path


@jobs.job("purge_exports", description="删除一天前生成的导出文件。", schedule={"hour": 3, "minute": 30})
def purge_exports() -> int:
    if not default_storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - KEEP
    removed = 0
    for name in default_storage.listdir(FOLDER)[1]:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed


def deferred(request: HttpRequest, doc: d.Document, fmt: str, filename: str) -> HttpResponse | None:
    """Queue the rendering and answer the page that waits for it (None without a worker: render here)."""
    if not jobs.celery_enabled():
        return None
    token = secrets.token_urlsafe(18)
    _, meta = _paths(token, fmt)
    record = {"user": request.user.pk, "fmt": fmt, "filename": filename, "title": doc.title}
    default_storage.save(meta, ContentFile(json.dumps(record, ensure_ascii=False).encode()))
    jobs.run("render_document", token=token, fmt=fmt, payload=to_payload(doc))
    return render(request, "core/export_pending.html", {"record": record, "token": token}, status=202)


def _record(request: HttpRequest, token: str) -> dict[str, Any]:
    """The export's record, for the user who asked for it only (anyone else: 404)."""
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404
    for fmt in _MIME:
        _, meta = _paths(token, fmt)
        if default_storage.exists(meta):
            with default_storage.open(meta) as handle:
                record: dict[str, Any] = json.load(handle)
            if record["user"] != request.user.pk:
                raise Http404
            return record
    raise Http404


def status(request: HttpRequest, token: str) -> HttpResponse:
    """Polled by the waiting page: still working, or the link to the file."""
    record = _record(request, token)
    ready = default_storage.exists(_paths(token, record["fmt"])[0])
    response = render(
        request,
        "core/_export_status.html",
        {"record": record, "token": token, "ready": ready, "download": reverse("export-download", args=[token])},
    )
    if ready and request.headers.get("HX-Request"):
        response["HX-Redirect"] = reverse("export-download", args=[token])
    return response


def download(request: HttpRequest, token: str) -> FileResponse:
    record = _record(request, token)
    path = _paths(token, record["fmt"])[0]
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), content_type=_MIME[record["fmt"]])
    response["Content-Disposition"] = attachment(record["filename"], record["fmt"])
    return response
