"""How a download names itself: the Chinese file name (RFC 5987) with an ASCII fallback for old clients."""

from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str, ext: str, fallback: str = "", disposition: str = "attachment") -> str:
    """A Content-Disposition value: `filename*=UTF-8''…` for browsers, `filename="…"` in ASCII for the rest.

    `filename` has no extension; `fallback` is the ASCII name used where UTF-8 is not understood
    (the ASCII part of `filename` when not given, else "document").
    """
    ascii_name = (fallback or filename).encode("ascii", "ignore").decode().replace('"', "").replace("\\", "").strip()
    ascii_name = ascii_name or "document"
    return f"{disposition}; filename=\"{ascii_name}.{ext}\"; filename*=UTF-8''{quote(filename)}.{ext}"
