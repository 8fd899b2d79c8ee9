"""Bulk member accounts for a committee of 600 members (issue 13 target: under 10 s, texts written).

Each round is a fresh county of 600 active members; the service runs as the sysadmin does through
`POST /api/v1/users/member-accounts/` (`member_accounts_create`), including, after its commit, the
SMS outbox writing every text (file backend) — and, in the second row, the sealed-letters PDF for
the 10 % without a phone (sealed; the PDF is drawn at download, timed on its own).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

MEMBERS = 600
ROUNDS = 3


def _county(n: int, without_phone: int) -> Any:
    from luzhi.org.models import Committee, Member

    county = Committee.objects.create(name=f"基准县政协{n}", level=Committee.Level.COUNTY)
    Member.objects.bulk_create(
        Member(
            committee=county,
            name=f"基准委员{n}-{i}",
            gender="F" if i % 3 else "M",
            phone="" if i < without_phone else f"13{n % 10}{n:02d}{i:06d}"[:11],
        )
        for i in range(MEMBERS)
    )
    return county


def _round(n: int, without_phone: int) -> tuple[float, int, int]:
    from luzhi.accounts.bulk import member_accounts_create
    from luzhi.accounts.models import SMSMessage, User
    from luzhi.core.roles import Role

    county = _county(n, without_phone)
    admin = User.objects.create(username=f"bench-sysadmin-{n}", role=Role.SYSADMIN, committee=county)
    start = time.perf_counter()
    result = member_accounts_create(actor=admin, committee=county, all_active=True)
    elapsed = (time.perf_counter() - start) * 1000
    sent = SMSMessage.objects.filter(committee=county, status=SMSMessage.Status.SENT).count()
    assert len(result.created) == MEMBERS and sent == MEMBERS - without_phone, (len(result.created), sent)
    return elapsed, sent, result.letters.count if result.letters else 0


def _row(samples: list[float]) -> dict[str, float]:
    samples.sort()
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[-1], 2),
        "max_ms": round(samples[-1], 2),
    }


def run(timed: Callable[..., dict[str, float]]) -> dict[str, dict[str, float]]:
    from django.test.utils import override_settings

    rows: dict[str, dict[str, float]] = {}
    with override_settings(LUZHI_SMS_BACKEND=f"file:{tempfile.mkdtemp()}/sms.jsonl"):
        for label, without in (("600 members, all with phones (600 texts)", 0), ("600 members, 60 letters PDF", 60)):
            samples = [_round(10 * (1 + (without > 0)) + r, without)[0] for r in range(ROUNDS)]
            rows[f"bulk accounts: {label}"] = _row(samples)
    rows["letters PDF download, 60 pages"] = _row([_letters_download(60) for _ in range(ROUNDS)])
    return rows


def _letters_download(pages: int) -> float:
    from luzhi.accounts.bulk import letters_pdf, one_time_password
    from luzhi.org.models import Committee

    committee = Committee.objects.filter(name__startswith="基准县政协").first()
    rows = [{"name": f"基准委员{i}", "username": f"m1-{i}", "password": one_time_password()} for i in range(pages)]
    start = time.perf_counter()
    letters_pdf(committee=committee, rows=rows, url="https://luzhi.example.gov.cn/login/")
    return (time.perf_counter() - start) * 1000
