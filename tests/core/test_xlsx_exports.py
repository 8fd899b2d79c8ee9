"""Issue #17: every spreadsheet Luzhi offers can be forwarded as it is (Chinese, names, real dates, one layout).

Every XLSX export — each API list's `?format=xlsx`, the history sheet, the duty bulletin, the
roster import template (API and page) — is downloaded from the demo committee and read back
with openpyxl. `test_every_export_is_listed` keeps the list complete: a new export that is not
added here fails it.
"""

from __future__ import annotations

import inspect
import io
import re
from importlib import import_module
from typing import Any
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver
from openpyxl import load_workbook

from luzhi.accounts.models import User
from luzhi.core.downloads import attachment
from luzhi.core.xlsx import XLSX_MIME, display_width, workbook_bytes
from luzhi.urls import router
from tests.api.test_query_discipline import _more_rows

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")  # "IP" may stay (IP地址); "ID", "Adoptions", "satisfied" may not
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")
CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")  # a choice code such as basically_satisfied or party_group
USERNAMES = {"用户", "用户名", "授予人", "处理人", "填报人", "调整人"}  # a login name may look like a code
ROLES = ("office", "sysadmin", "secadmin", "auditor", "committee_staff", "leader", "member", "unit")

# Exports that are not the `?format=xlsx` of a router list: (name, path; {member} is filled in).
EXTRA = [
    ("scores", "/api/v1/scores/?format=xlsx"),
    ("scores-bulletin", "/api/v1/scores/bulletin/?format=xlsx"),
    ("member-history", "/api/v1/members/{member}/history/?format=xlsx"),
    ("member-import-template", "/api/v1/members/import-template/"),
    ("page:org:member-import-template", "/org/members/import/template/"),
]
# Router lists: every viewset that declares `xlsx_filename` (checked complete below).
LISTS = [
    "committees",
    "terms",
    "sectors",
    "special-committees",
    "member-groups",
    "units",
    "stations",
    "members",
    "liaisons",
    "party-organizations",
    "activities",
    "leave-requests",
    "activity-materials",
    "votes",
    "meeting-minutes",
    "meeting-decisions",
    "reading-logs",
    "cadence-rules",
    "proposals",
    "opinions",
    "opinion-bulletins",
    "grassroots-records",
    "research-topics",
    "research-outcomes",
    "plans",
    "plan-items",
    "monthly-plans",
    "notices",
    "deliberation-topics",
    "deliberation-posts",
    "deliberation-themes",
    "self-reports",
    "activity-guests",
    "library-materials",
    "study-entries",
    "score-rules",
    "score-appeals",
    "channels",
    "users",
    "lockouts",
    "audit",
    "office-grants",
]
EXPORTS = [(prefix, f"/api/v1/{prefix}/?format=xlsx") for prefix in LISTS] + EXTRA


def _page_views_writing_xlsx() -> set[str]:
    """Page routes whose view builds a workbook itself (names xlsx_response or XLSX_MIME)."""
    found = set()
    for app in settings.LUZHI_DOMAIN_APPS:
        namespace = app.rsplit(".", 1)[1]
        for pattern in get_resolver(import_module(f"{app}.urls")).url_patterns:
            view = getattr(pattern, "callback", None)
            code = getattr(inspect.unwrap(view), "__code__", None) if view else None  # past rule_required
            names = set(code.co_names) if code else set()
            if names & {"xlsx_response", "XLSX_MIME", "workbook_bytes", "template_bytes"}:
                found.add(f"page:{namespace}:{pattern.name}")
    return found


def _template_links() -> set[str]:
    """The API paths that the pages link to with format=xlsx."""
    from pathlib import Path

    links = set()
    for template in Path(settings.BASE_DIR, "luzhi").glob("*/templates/**/*.html"):
        for match in re.finditer(r"/api/v1/([a-z/-]+?)/\?[^\"']*format=xlsx", template.read_text()):
            links.add(match.group(1))
    # Pages that build the link in the view: query["format"] = "xlsx", then f"/api/v1/…/?{query…}".
    for module in Path(settings.BASE_DIR, "luzhi").glob("*/views.py"):
        text = module.read_text()
        if re.search(r"\[\"format\"\] = \"xlsx\"", text):
            links.update(re.findall(r"f\"/api/v1/([a-z/-]+?)/\?\{", text))
    return links


def test_every_export_is_listed():
    listed = {name for name, _ in EXPORTS}
    with_xlsx = {prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "xlsx_filename")}
    assert with_xlsx - listed == set(), "add the new export to LISTS or EXTRA"
    assert _page_views_writing_xlsx() - listed == set(), "add the page's export to EXTRA"
    assert _template_links() - listed - {"scores/bulletin"} == set(), "a page links to an export not tested here"
    # The scans themselves find what is known to be there (so that they cannot pass by finding nothing).
    assert "page:org:member-import-template" in _page_views_writing_xlsx()
    assert {"members", "proposals", "opinions", "scores/bulletin"} <= _template_links()


@pytest.fixture(scope="module")
def _demo(demo_database: Any, django_db_blocker: Any) -> Any:
    """The demo committee with a row at least in every list, rolled back after the module."""
    from luzhi.org.demo import COUNTY_NAME
    from luzhi.org.models import Committee

    with django_db_blocker.unblock(), demo_database.use():
        _more_rows(Committee.objects.get(name=COUNTY_NAME))
        yield


def _download(path: str) -> Any:
    from luzhi.org.models import Member
    from tests.conftest import verified_login

    users: dict[str, User] = {}
    for user in User.objects.exclude(role="").order_by("pk"):
        users.setdefault(user.role, user)
    path = path.format(member=Member.objects.order_by("pk").first().pk)
    for role in ROLES:
        response = verified_login(Client(), users[role]).get(path)
        if response.status_code == 200:
            return response
    raise AssertionError(f"no role may download {path}")


@pytest.mark.parametrize(("name", "path"), EXPORTS, ids=[name for name, _ in EXPORTS])
def test_export_is_ready_to_forward(_demo, db, name, path):
    response = _download(path)
    assert response["Content-Type"] == XLSX_MIME
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    fallback = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert fallback.isascii() and fallback.endswith(".xlsx")
    utf8 = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert utf8, disposition
    assert CJK.search(unquote(utf8.group(1))) and unquote(utf8.group(1)).endswith(".xlsx")

    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert ws.title not in ("Sheet", "Sheet1") and CJK.search(ws.title) and len(ws.title) <= 31
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(values_only=True))
    headers = [h for h in rows[0] if h is not None]
    assert headers
    for header in headers:
        assert CJK.search(str(header)) and not LATIN_WORD.search(str(header)), header
    assert len(set(headers)) == len(headers), headers
    for column in range(1, len(headers) + 1):
        letter = ws.cell(row=1, column=column).column_letter
        assert ws.column_dimensions[letter].width and ws.column_dimensions[letter].width >= 6, letter
    assert len(rows) > 1, "the demo should give every export a row"
    for row in rows[1:]:
        for header, value in zip(rows[0], row, strict=False):
            if isinstance(value, str):
                assert not ISO.match(value), (header, value)
                assert header in USERNAMES or not CODE.match(value), (header, value)
            assert not isinstance(value, bool), (header, value)  # 是 / 否, not TRUE / FALSE


def _sheet(path: str) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(_download(path).content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_opinions_name_the_committee_and_the_adoption_level(_demo, db):
    from luzhi.opinions.models import OpinionAdoption, OpinionReport

    report = OpinionReport.objects.exclude(committee=None).order_by("pk").first()
    OpinionAdoption.objects.update_or_create(
        report=report, committee=report.committee, defaults={"level": "county", "issue": "第5期"}
    )
    row = next(r for r in _sheet("/api/v1/opinions/?format=xlsx") if r["编号"] == report.pk)
    assert row["报送政协"] == report.committee.name
    assert "第5期" in row["采用情况"] and "（县级）" in row["采用情况"] and "county" not in row["采用情况"]
    assert "Adoptions" not in row and "Instructions" not in row


def test_times_are_local_excel_datetimes_and_the_id_comes_last(_demo, db):
    from luzhi.activities.models import Activity

    activity = Activity.objects.exclude(starts_at=None).order_by("pk").first()
    rows = _sheet("/api/v1/activities/?format=xlsx")
    assert list(rows[0])[-1] == "编号"
    row = next(r for r in rows if r["编号"] == activity.pk)
    from django.utils import timezone

    assert row["开始时间"] == timezone.localtime(activity.starts_at).replace(tzinfo=None)
    assert row["开始日期"].date() == activity.start


def test_audit_names_the_committee_and_the_action(_demo, db):
    rows = _sheet("/api/v1/audit/?format=xlsx")
    assert {r["所属政协"] for r in rows} <= {"示例县政协", None}
    assert {r["操作"] for r in rows} <= {"新建", "修改", "删除", "登录", "登录失败", "退出", "导出", "其他"} | {
        r["操作"] for r in rows if CJK.search(str(r["操作"]))
    }


def test_proposal_rating_reads_in_chinese(_demo, db):
    from luzhi.proposals.models import Evaluation, Proposal

    evaluation = Evaluation.objects.order_by("pk").first()
    assert evaluation is not None
    rows = _sheet("/api/v1/proposals/?format=xlsx")
    proposal = Proposal.objects.get(pk=evaluation.reply.proposal_id) if hasattr(evaluation, "reply") else None
    ratings = " ".join(str(r["评价"]) for r in rows if r["评价"])
    assert "满意" in ratings and "satisfied" not in ratings
    assert proposal is None or any(r["标题"] == proposal.title for r in rows)


def test_writer_counts_wide_characters_twice_and_names_the_file_in_utf8():
    assert display_width("政协abc") == 7
    header = attachment("2026年提案", "xlsx", fallback="proposals")
    assert header == ("attachment; filename=\"proposals.xlsx\"; filename*=UTF-8''2026%E5%B9%B4%E6%8F%90%E6%A1%88.xlsx")
    ws = load_workbook(io.BytesIO(workbook_bytes(["名称"], [["关于加强城区饮用水水源地保护的建议"]], title="x" * 40)))
    sheet = ws.worksheets[0]
    assert len(sheet.title) == 31
    assert sheet.column_dimensions["A"].width == 2 * 17 + 2
