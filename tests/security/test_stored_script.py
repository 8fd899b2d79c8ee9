"""Stored-script attempts in free-text fields: escaped in pages, plain text in XLSX, DOCX and PDF.

One fixture writes the attempts into every free text of a member, a proposal (and its reply),
an opinion report, an activity, a research topic and outcome, and a ledger item and its
progress report; the tests then read them back through pages, the API's XLSX exports and the
DOCX/PDF documents.
"""

import io
import re
from datetime import date

import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from pypdf import PdfReader

from luzhi.opinions import services as opinion_services
from luzhi.proposals.models import Proposal, ProposalUnit, Reply
from tests import factories as f
from tests.activities.factories import ActivityFactory
from tests.ledger.factories import PlanItemFactory, ProgressReportFactory
from tests.proposals.factories import ProposalFactory
from tests.research.factories import ResearchTopicFactory
from tests.security.test_every_url_needs_login import all_paths

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ATTEMPT = f"{SCRIPT}{IMG}"
RAW_MARKERS = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _text(label: str) -> str:
    return f"{label}{ATTEMPT}"


@pytest.fixture
def stored(committee, users):
    office, member_user = users["office"], users["member"]
    member = f.MemberFactory(committee=committee, name=SCRIPT, workplace=_text("单位"))
    proposal = ProposalFactory(
        committee=committee,
        lead=member,
        title=_text("提案"),
        reason=_text("案由"),
        suggestions=_text("建议"),
        status=Proposal.Status.REPLIED,
        number=1,
    )
    unit = f.UnitFactory(committee=committee, name=_text("单位"))
    reply = Reply.objects.create(
        proposal=proposal,
        unit=unit,
        category=Reply.Category.choices[0][0],
        text=_text("答复"),
        replied_at=date(2026, 6, 1),
        on_time=True,
    )
    report = opinion_services.opinion_submit(
        actor=member_user, committee=committee, title=_text("社情"), content=_text("内容"), author=member_user.member
    )
    opinion_services.opinion_adopt(actor=office, report=report)
    bulletin = opinion_services.bulletin_compose(
        actor=office, committee=committee, year=2026, number=1, reports=[report], title="社情民意"
    )
    activity = ActivityFactory(committee=committee, title=_text("活动"), location=_text("地点"), start=date(2026, 3, 2))
    topic = ResearchTopicFactory(committee=committee, title=_text("课题"))
    item = PlanItemFactory(committee=committee, title=_text("事项"), deadline=date(2026, 1, 31))
    ProgressReportFactory(item=item, note=_text("进展"), problems=_text("问题"))
    return {
        "member": member,
        "proposal": proposal,
        "reply": reply,
        "report": report,
        "bulletin": bulletin,
        "activity": activity,
        "topic": topic,
        "item": item,
        "unit": unit,
    }


def _assert_escaped(html: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: raw {marker!r} in the page"


def _pages(stored) -> list[str]:
    s = stored
    return [
        f"/org/members/{s['member'].pk}/",
        f"/proposals/{s['proposal'].pk}/",
        f"/opinions/{s['report'].pk}/",
        f"/opinions/bulletins/{s['bulletin'].pk}/",
        f"/activities/{s['activity'].pk}/",
        f"/research/{s['topic'].pk}/",
        f"/ledger/items/{s['item'].pk}/",
        "/org/members/?q=script",
        "/proposals/?q=script",
    ]


def test_pages_show_the_attempts_escaped(client, users, stored):
    client.force_login(users["office"])
    shown = 0
    for path in _pages(stored) + [p for p in all_paths() if "/1/" not in p and not p.startswith("/api/")]:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        _assert_escaped(html, path)
        shown += ESCAPED in html
    assert shown >= 12  # the attempts really were on the pages, escaped


@pytest.mark.parametrize("role", ["member", "leader", "committee_staff", "unit"])
def test_other_roles_see_them_escaped_too(client, make_user, committee, stored, role):
    links = {}
    if role == "unit":
        # The unit that replied handles the case, so it has the proposal and its reply to show.
        ProposalUnit.objects.create(proposal=stored["proposal"], unit=stored["unit"], role=ProposalUnit.Role.LEAD)
        links["unit"] = stored["unit"]
    client.force_login(make_user(role, committee, **links))
    shown = 0
    for path in _pages(stored) + ["/", "/proposals/", "/activities/", "/opinions/mine/", "/research/", "/ledger/"]:
        response = client.get(path)
        if response.status_code == 200:
            html = response.content.decode()
            _assert_escaped(html, f"{role} {path}")
            shown += ESCAPED in html
    assert shown >= 1, f"{role} was shown none of the attempts: nothing was checked"


def test_the_api_returns_json_never_html(api, users, stored):
    response = api(users["office"]).get(f"/api/v1/proposals/{stored['proposal'].pk}/")
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["title"] == _text("提案")


def _xlsx_strings(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize(
    "path,label",
    [
        ("/api/v1/members/?format=xlsx", "单位"),
        ("/api/v1/proposals/?format=xlsx", "提案"),
        ("/api/v1/opinions/?format=xlsx", "社情"),
        ("/api/v1/activities/?format=xlsx", "活动"),
        ("/api/v1/research-topics/?format=xlsx", "课题"),
        ("/api/v1/plan-items/?format=xlsx", "事项"),
        ("/api/v1/units/?format=xlsx", "单位"),
    ],
)
def test_xlsx_exports_hold_the_attempt_as_plain_text(api, users, stored, path, label):
    response = api(users["office"]).get(path)
    assert response.status_code == 200, response.content[:300]
    strings = _xlsx_strings(response.content)
    assert _text(label) in strings  # verbatim: not escaped, not dropped
    assert not any("&lt;" in s for s in strings)


def _docx_text(content: bytes) -> str:
    doc = Docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages))


def _documents(stored) -> list[tuple[str, str, str]]:
    s = stored
    return [
        (f"/proposals/replies/{s['reply'].pk}/document/?format=docx", "docx", _text("答复")),
        (f"/proposals/replies/{s['reply'].pk}/document/", "pdf", _text("答复")),
        (f"/proposals/compilation/?year={s['proposal'].year}", "docx", _text("案由")),
        (f"/opinions/bulletins/{s['bulletin'].pk}/docx/", "docx", _text("内容")),
        (f"/opinions/bulletins/{s['bulletin'].pk}/pdf/", "pdf", _text("社情")),
        ("/ledger/board/pdf/?year=2026", "pdf", _text("事项")),
        (f"/api/v1/members/{s['member'].pk}/archive/?format=docx", "docx", SCRIPT),
        (f"/api/v1/members/{s['member'].pk}/archive/?format=pdf", "pdf", SCRIPT),
    ]


def test_docx_and_pdf_documents_print_the_attempt_as_text(client, users, stored):
    client.force_login(users["office"])
    for path, kind, expected in _documents(stored):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if kind == "docx":
            text = _docx_text(body)
            assert expected in text, path
        else:
            text = _pdf_text(body)
            assert re.sub(r"\s+", "", expected) in text, (path, text[:500])
