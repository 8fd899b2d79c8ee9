"""What a reply file may be: a document (PDF, Word, WPS, OFD), recognised by its content, not its name."""

from __future__ import annotations

import zipfile
from typing import Any

from django.core.exceptions import ValidationError

MAX_REPLY_FILE_BYTES = 10 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps


def _kind(head: bytes, file: Any) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_OLE):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names:
            return "ofd"
    return None


def check_reply_file(file: Any) -> str:
    """Return the document kind of an uploaded reply file, or raise ValidationError (→ 400)."""
    size = getattr(file, "size", None)
    if size is None or size > MAX_REPLY_FILE_BYTES:
        raise ValidationError({"file": [f"答复文件不能超过 {MAX_REPLY_FILE_BYTES // (1024 * 1024)} MB。"]})
    if size == 0:
        raise ValidationError({"file": ["答复文件是空的。"]})
    file.seek(0)
    head = file.read(8)
    kind = _kind(head, file)
    file.seek(0)
    if kind is None:
        raise ValidationError({"file": ["答复文件应为 PDF、Word（DOC/DOCX）、WPS 或 OFD 文档。"]})
    return kind
