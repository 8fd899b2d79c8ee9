"""Phone numbers, birth dates and ID numbers: in full for the office only, and never in logs."""

import io
import logging

import pytest
from openpyxl import load_workbook

from luzhi.core.logging import PersonalDataFilter, mask_field, mask_personal
from luzhi.core.roles import Role
from luzhi.org.models import Member
from tests import factories as f
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
MASKED_PHONE = "139****5678"
BIRTH = "1971-03-09"
NOT_OFFICE = [r.value for r in Role if r != Role.OFFICE]


@pytest.fixture
def member(committee):
    import datetime

    return f.MemberFactory(committee=committee, name="赵敏", phone=PHONE, birth_date=datetime.date(1971, 3, 9))


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


class TestMembersApiAndExport:
    @pytest.mark.parametrize("role", NOT_OFFICE)
    def test_every_role_but_office_gets_masked_values_or_no_access(self, api, make_user, committee, member, role):
        client = api(make_user(role, committee))
        for path in (
            "/api/v1/members/",
            f"/api/v1/members/{member.pk}/",
            "/api/v1/members/?q=赵",
            "/api/v1/members/?format=xlsx",
        ):
            response = client.get(path)
            body = response.content.decode("utf-8", "ignore") if "xlsx" not in path else ""
            if response.status_code in (403, 404):
                continue
            assert response.status_code == 200, (role, path)
            if "xlsx" in path:
                body = _xlsx_text(response.content)
            assert PHONE not in body and BIRTH not in body, (role, path)
            if "赵敏" in body:
                assert MASKED_PHONE in body and "1971-**-**" in body, (role, path)

    def test_the_office_sees_them_in_full(self, api, users, member):
        client = api(users["office"])
        data = client.get(f"/api/v1/members/{member.pk}/").json()
        assert data["phone"] == PHONE and data["birth_date"] == BIRTH
        assert PHONE in _xlsx_text(client.get("/api/v1/members/?format=xlsx").content)

    def test_a_member_reads_colleagues_masked(self, api, users, member):
        data = api(users["member"]).get(f"/api/v1/members/{member.pk}/").json()
        assert data["phone"] == MASKED_PHONE and data["birth_date"] == "1971-**-**"


class TestPages:
    @pytest.mark.parametrize("role", NOT_OFFICE)
    def test_roster_and_member_page(self, client, make_user, committee, member, role):
        verified_login(client, make_user(role, committee))
        for path in ("/org/members/", f"/org/members/{member.pk}/", "/org/members/?q=赵", "/org/liaisons/"):
            response = client.get(path)
            if response.status_code != 200:
                continue
            page = response.content.decode()
            assert PHONE not in page and "1971-03-09" not in page and "1971年3月9日" not in page, (role, path)

    def test_the_office_page_shows_them(self, client, users, member):
        client.force_login(users["office"])
        assert PHONE in client.get(f"/org/members/{member.pk}/").content.decode()


class TestAuditLog:
    """The auditor reads every change, but a member's phone and birth date only masked."""

    @pytest.fixture
    def changed(self, api, users, member):
        response = api(users["office"]).patch(
            f"/api/v1/members/{member.pk}/", {"phone": "13687654321", "birth_date": "1972-04-10"}, format="json"
        )
        assert response.status_code == 200
        return member

    def test_audit_api_and_export(self, api, users, changed):
        client = api(users["auditor"])
        body = client.get("/api/v1/audit/?model=org.member").content.decode()
        assert "13687654321" not in body and PHONE not in body and "1972-04-10" not in body
        assert "136****4321" in body and "1972-**-**" in body
        text = _xlsx_text(client.get("/api/v1/audit/?format=xlsx").content)
        assert "13687654321" not in text and PHONE not in text and "1972-04-10" not in text
        assert "136****4321" in text

    def test_audit_page(self, client, users, changed):
        verified_login(client, users["auditor"])
        page = client.get("/accounts/audit/").content.decode()
        assert "13687654321" not in page and PHONE not in page and "1972-04-10" not in page
        assert "136****4321" in page


class TestLogs:
    def test_masking_rules(self):
        assert mask_personal("联系 13812345678。") == "联系 138****5678。"
        assert mask_personal("+86 138-1234-5678") == "+86 138****5678"
        assert mask_personal("身份证 11010519491231002X") == "身份证 110105********002X"
        assert mask_personal("110105491231002") == "110105******002"
        # Not personal data: longer digit runs, order numbers, dates, ids.
        for text in ("2026-11-25", "id=123456", "12345678901234567890", "第2026001号"):
            assert mask_personal(text) == text
        assert mask_field("birth_date", "1971-03-09") == "1971-**-**"
        assert mask_field("phone", PHONE) == MASKED_PHONE

    def test_log_records_are_masked_on_every_handler(self, settings):
        config = settings.LOGGING
        assert "personal_data" in config["filters"]
        assert all("personal_data" in h.get("filters", []) for h in config["handlers"].values())

    def test_a_record_with_args_and_a_traceback_is_masked(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(PersonalDataFilter())
        log = logging.getLogger("tests.security.pii")
        log.addHandler(handler)
        log.propagate = False
        try:
            log.warning("导入失败：%s 的手机 %s", "赵敏", PHONE)
            try:
                raise ValueError(f"bad id 11010519491231002X phone {PHONE}")
            except ValueError:
                log.exception("出错")
        finally:
            log.removeHandler(handler)
            log.propagate = True
        out = stream.getvalue()
        assert PHONE not in out and "11010519491231002X" not in out
        assert MASKED_PHONE in out and "110105********002X" in out and "ValueError" in out

    def test_django_request_warnings_are_masked(self, client, users, caplog):
        """A bad request whose URL carries a phone number is logged masked by the real handlers."""
        import logging.config

        from django.conf import settings

        stream = io.StringIO()
        logging.config.dictConfig(settings.LOGGING)
        root_handler = logging.getLogger().handlers[0]
        old_stream = root_handler.setStream(stream)
        try:
            client.force_login(users["office"])
            client.get(f"/api/v1/members/{PHONE}/")  # 404 → django.request warning
        finally:
            root_handler.setStream(old_stream)
        out = stream.getvalue()
        assert "Not Found" in out
        assert PHONE not in out and MASKED_PHONE in out


def test_members_have_no_other_personal_fields_left_unmasked():
    """If an ID number or another personal field is added to Member, this test asks for its masking."""
    personal = {"phone", "birth_date"}
    suspicious = {
        f.name
        for f in Member._meta.concrete_fields
        if any(word in f.name for word in ("phone", "birth", "id_card", "id_number", "mobile", "address", "email"))
    }
    assert suspicious <= personal
