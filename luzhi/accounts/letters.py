"""Downloading a PDF of sealed account letters: the committee's sysadmin, within its day (else 404).

The row keeps the letters' contents encrypted; the PDF is drawn at each download and never stored.
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import F
from django.http import Http404, HttpResponse

from luzhi.accounts.bulk import letters_for_download, letters_pdf
from luzhi.accounts.models import AccountLetters
from luzhi.accounts.sealing import unseal


def letters_response(*, viewer: Any, pk: Any) -> HttpResponse:
    row = letters_for_download(viewer=viewer, pk=pk)
    payload = unseal(row.sealed) if row is not None else None
    if row is None or payload is None:
        raise Http404("账号通知书不存在或已过期（生成后24小时内可下载）。")
    content = json.loads(payload)
    pdf = letters_pdf(committee=row.committee, rows=content["rows"], url=content["url"])
    AccountLetters.objects.filter(pk=row.pk).update(downloads=F("downloads") + 1)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="account-letters-{row.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
