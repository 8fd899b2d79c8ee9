"""The one upload check: an image or a document, recognised by its content, not its name, and its size.

Every feature that stores a user's file (proposal replies, notice attachments, self-report
evidence) calls `check_upload`, so the rules and messages are the same everywhere. A file is
stored, named and served as the type its content is: a PDF sent as `x.html` becomes `x.pdf`
and goes out as `application/pdf`.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 9
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .xls / .wps
_IMAGES = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png", b"GIF87a": "gif", b"GIF89a": "gif"}
_ZIP_DOCUMENTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
    "OFD.xml": "ofd",
}
# One OLE container holds Word, Excel, PowerPoint and WPS files alike; the sender's extension picks among them.
_OLE_EXTENSIONS = {"doc", "xls", "ppt", "wps", "et", "dps"}
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ofd": "application/ofd",
}


def _sniff(head: bytes, file: Any) -> tuple[str, str] | None:
    """(kind, extension) of the content: ("image", "png"), ("document", "pdf")… or None."""
    for magic, ext in _IMAGES.items():
        if head.startswith(magic):
            return "image", ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "webp"
    if head.startswith(b"%PDF-"):
        return "document", "pdf"
    if head.startswith(_OLE):
        return "document", "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        for marker, ext in _ZIP_DOCUMENTS.items():
            if marker in names:
                return "document", ext
    return None


_ALLOWED = {
    "any": "图片（JPG、PNG、GIF、WebP）或文档（PDF、Word、Excel、WPS、OFD）",
    "image": "图片（JPG、PNG、GIF、WebP）",
    "document": "文档（PDF、Word、Excel、WPS、OFD）",
}


def _extension(detected: str, name: str) -> str:
    sent = PurePosixPath(name).suffix.lower().lstrip(".")
    return sent if detected == "doc" and sent in _OLE_EXTENSIONS else detected


def named_as(name: str, extension: str) -> str:
    """Return the file name with the extension of its detected type in place of the one it came with."""
    stem = PurePosixPath(name or "文件").stem or "文件"
    return f"{stem}.{extension}"


def sniff_upload(file: Any, *, field: str, accept: str = "any") -> tuple[str, str]:
    """Return (kind, extension) of an uploaded file — kind "image" or "document" — or raise ValidationError (→ 400)."""
    size = getattr(file, "size", None)
    name = getattr(file, "name", "") or "文件"
    if size is None or size > MAX_FILE_BYTES:
        raise ValidationError({field: [f"“{name}”超过 {MAX_FILE_BYTES // (1024 * 1024)} MB。"]})
    if size == 0:
        raise ValidationError({field: [f"“{name}”是空文件。"]})
    file.seek(0)
    head = file.read(16)
    found = _sniff(head, file)
    file.seek(0)
    if found is None or accept not in ("any", found[0]):
        raise ValidationError({field: [f"“{name}”不是{_ALLOWED[accept]}。"]})
    return found[0], _extension(found[1], name)


def check_upload(file: Any, *, field: str, accept: str = "any") -> str:
    """Return "image" or "document" for an uploaded file, renamed to its detected type; refuse anything else (→ 400)."""
    kind, extension = sniff_upload(file, field=field, accept=accept)
    file.name = named_as(file.name, extension)
    return kind


def check_uploads(files: list[Any], *, field: str) -> list[str]:
    """Check every file of one upload, before anything is saved."""
    if len(files) > MAX_FILES:
        raise ValidationError({field: [f"一次最多上传 {MAX_FILES} 个文件。"]})
    return [check_upload(f, field=field) for f in files]


def upload_response(handle: Any, *, name: str) -> FileResponse:
    """Return a stored upload as a download typed and named by its content, whatever name it was stored under."""
    head = handle.read(16)
    found = _sniff(head, handle)
    handle.seek(0)
    if found is None:  # stored before uploads were checked: the browser gets bytes it will not render
        return FileResponse(handle, as_attachment=True, filename=name, content_type="application/octet-stream")
    extension = _extension(found[1], name)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=named_as(name, extension),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
