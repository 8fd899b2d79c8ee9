"""Documents rendered by a worker when Celery is on: the page waits, only the asker downloads."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from pypdf import PdfReader

from luzhi.core import documents as d
from luzhi.core import exports, jobs
from tests.ledger.factories import PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def celery_eager(settings: Any) -> Any:
    """Celery on, its tasks run in-process (the worker's code, without a broker)."""
    from luzhi.celery import app

    settings.LUZHI_CELERY = True
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_document_survives_the_trip_to_the_worker() -> None:
    doc = d.Document(
        title="公示栏",
        date=dt.date(2026, 11, 25),
        issuer="示例县政协办公室",
        page_size="A3",
        landscape=True,
        blocks=[
            d.Heading("一、成绩"),
            d.Paragraph("正文", indent=False, align="center", bold=True),
            d.Table(["名称", "数"], [["甲", 3], ["乙", None]], widths=[3, 1]),
            d.PageBreak(),
        ],
    )
    back = exports.from_payload(exports.to_payload(doc))
    assert back.title == "公示栏" and back.date == dt.date(2026, 11, 25) and back.landscape
    assert back.blocks[2] == d.Table(["名称", "数"], [["甲", "3"], ["乙", ""]], widths=[3, 1])
    assert back.blocks[1] == doc.blocks[1] and isinstance(back.blocks[3], d.PageBreak)


def test_without_celery_the_page_answers_the_file_at_once(committee: Any, users: dict, media: Any) -> None:
    PlanItemFactory(committee=committee, responsible=users["committee_staff"].special_committee)
    response = _client(users["member"]).get("/ledger/board/pdf/?year=2026")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not (media / "exports").exists()


def test_with_celery_the_page_waits_and_only_the_asker_downloads(
    committee: Any, users: dict, media: Any, celery_eager: Any, cjk_fonts: None
) -> None:
    item = PlanItemFactory(committee=committee, responsible=users["committee_staff"].special_committee)
    member = _client(users["member"])
    response = member.get("/ledger/board/pdf/?year=2026")
    assert response.status_code == 202
    html = response.content.decode()
    token = response.context["token"]
    assert "督办公示栏" in html and f"/exports/{token}/" in html

    status = member.get(f"/exports/{token}/", HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and status["HX-Redirect"] == f"/exports/{token}/download/"
    download = member.get(f"/exports/{token}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''2026" in download["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert item.responsible.name in pdf.pages[0].extract_text()

    # Anyone else — even the office of the same committee — does not learn the file exists.
    office = _client(users["office"])
    assert office.get(f"/exports/{token}/").status_code == 404
    assert office.get(f"/exports/{token}/download/").status_code == 404
    assert member.get("/exports/not-a-token/").status_code == 404
    assert member.get("/exports/..%2Fsecret_key/download/").status_code == 404


def test_the_api_always_answers_the_file(users: dict, media: Any, celery_eager: Any, rf: Any) -> None:
    request = rf.get("/api/v1/bulletins/1/docx/")
    request.user = users["office"]
    response = d.document_response(d.Document(title="简报"), "docx", "简报", request=request)
    assert response.status_code == 200 and response["Content-Type"] == d.DOCX_MIME
    assert not (media / "exports").exists()


def test_while_the_worker_is_busy_the_page_keeps_polling(
    committee: Any, users: dict, media: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.LUZHI_CELERY = True
    queued: list[dict] = []
    monkeypatch.setattr(jobs, "run", lambda name, **kwargs: queued.append(kwargs))
    PlanItemFactory(committee=committee, responsible=users["committee_staff"].special_committee)
    member = _client(users["member"])
    token = member.get("/ledger/board/pdf/?year=2026").context["token"]
    status = member.get(f"/exports/{token}/", HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and "HX-Redirect" not in status
    assert 'hx-trigger="every 2s"' in status.content.decode()
    assert member.get(f"/exports/{token}/download/").status_code == 404
    # The worker finishes: the next poll leads to the file.
    jobs.call("render_document", **queued[0])
    assert member.get(f"/exports/{token}/", HTTP_HX_REQUEST="true")["HX-Redirect"].endswith("/download/")


def test_old_exports_are_purged(media: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.files.base import ContentFile

    default_storage.save("exports/old.pdf", ContentFile(b"%PDF"))
    assert jobs.call("purge_exports") == 0
    monkeypatch.setattr(exports, "KEEP", dt.timedelta(seconds=-60))
    assert jobs.call("purge_exports") == 1 and not default_storage.exists("exports/old.pdf")
