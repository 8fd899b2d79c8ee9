"""manage.py admin_account: the only door for the three administrators' accounts, and audited."""

from __future__ import annotations

import io
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command

from luzhi.accounts.models import User
from luzhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db

GOOD = "Zhong#Xin2026"


def run(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("admin_account", *args, stdout=out)
    return out.getvalue()


class TestCreate:
    def test_creates_an_administrator_with_a_one_time_password_and_audits_it(self, committee):
        out = run("create", "--role", "auditor", "--username", "shenji", "--committee", str(committee.pk))
        password = re.search(r"一次性密码.*：(\S+)", out).group(1)
        account = User.objects.get(username="shenji")
        assert (account.role, account.committee, account.is_active) == ("auditor", committee, True)
        assert account.check_password(password) and password not in account.password
        entry = AuditEntry.objects.get(model="accounts.user", object_id=str(account.pk), action="create")
        assert entry.via == "command" and entry.changes["role"] == [None, "auditor"]

    def test_reads_the_password_from_a_file_or_stdin(self, committee, tmp_path, monkeypatch):
        secret = tmp_path / "pw"
        secret.write_text(GOOD + "\n", encoding="utf-8")
        out = run("create", "--role", "sysadmin", "--username", "xitong", "--committee", str(committee.pk),
                  "--password-file", str(secret))  # fmt: skip
        assert GOOD not in out and User.objects.get(username="xitong").check_password(GOOD)
        run("create", "--role", "secadmin", "--username", "anquan", "--committee", str(committee.pk),
            "--password-stdin", stdin=GOOD + "\n", monkeypatch=monkeypatch)  # fmt: skip
        assert User.objects.get(username="anquan").check_password(GOOD)

    @pytest.mark.parametrize(
        "args,message",
        [
            (["--role", "sysadmin", "--username", "taken"], "已存在"),
            (["--role", "sysadmin", "--username", "new", "--committee", "999999"], "不存在"),
        ],
    )
    def test_refuses_bad_input_in_chinese(self, committee, make_user, args, message):
        make_user("member", committee, username="taken")
        if "--committee" not in args:
            args = [*args, "--committee", str(committee.pk)]
        with pytest.raises(CommandError, match=message):
            run("create", *args)
        assert not User.objects.filter(username="new").exists()

    def test_refuses_a_weak_password_and_an_ordinary_role(self, committee, tmp_path):
        weak = tmp_path / "pw"
        weak.write_text("abc", encoding="utf-8")
        with pytest.raises(CommandError, match="密码"):
            run("create", "--role", "auditor", "--username", "weak", "--committee", str(committee.pk),
                "--password-file", str(weak))  # fmt: skip
        with pytest.raises(CommandError):
            run("create", "--role", "office", "--username", "clerk", "--committee", str(committee.pk))
        assert not User.objects.filter(username__in=["weak", "clerk"]).exists()


class TestReset:
    def test_sets_a_new_password_reactivates_unlocks_and_audits(self, users):
        auditor = users["auditor"]
        auditor.is_active = False
        auditor.save()
        AccessAttempt.objects.create(
            username=auditor.username, ip_address="10.0.0.1", user_agent="t", failures_since_start=5,
            get_data="", post_data="", http_accept="", path_info="/login/",
        )  # fmt: skip
        out = run("reset", "--username", auditor.username)
        password = re.search(r"一次性密码.*：(\S+)", out).group(1)
        auditor.refresh_from_db()
        assert auditor.is_active and auditor.check_password(password)
        assert not AccessAttempt.objects.filter(username=auditor.username).exists()
        entry = AuditEntry.objects.get(action="password_reset", object_id=str(auditor.pk))
        assert (entry.via, entry.committee_id) == ("command", auditor.committee_id)

    def test_deactivates_an_administrator_and_audits_it(self, users):
        secadmin = users["secadmin"]
        run("deactivate", "--username", secadmin.username)
        secadmin.refresh_from_db()
        assert not secadmin.is_active
        entry = AuditEntry.objects.filter(object_id=str(secadmin.pk), model="accounts.user").latest("id")
        assert (entry.action, entry.via, entry.changes["is_active"]) == ("update", "command", [True, False])

    def test_leaves_ordinary_accounts_to_the_sysadmin(self, users):
        with pytest.raises(CommandError, match="不是三员账号"):
            run("reset", "--username", users["office"].username)
        with pytest.raises(CommandError, match="不存在"):
            run("reset", "--username", "nobody")
        users["office"].refresh_from_db()
        assert users["office"].is_active
