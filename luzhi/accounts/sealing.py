"""Secrets kept only until they are delivered (an SMS with a one-time password, a PDF of account letters).

Encrypted with a key derived from SECRET_KEY (Fernet: AES-128-CBC + HMAC-SHA256), so that a copy
of the database alone does not reveal them; the rows are emptied once sent, given up or expired.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"luzhi.accounts.sealing:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def unseal(data: bytes | memoryview) -> bytes | None:
    """The plain bytes, or None when nothing is sealed or the key changed."""
    raw = bytes(data or b"")
    if not raw:
        return None
    try:
        return _fernet().decrypt(raw)
    except InvalidToken:
        return None
