"""Member accounts for a whole roster in one step (API.md "Member accounts and reaching people").

`member_accounts_create` gives every chosen member who has no account yet a `member` account:
username the member's mobile number (else `m<committee>-<member>`), a random one-time password
that must be changed at the first login, texted to the member's phone through the outbox (after
commit), or — for members without a mobile number — printed on a sealed account letter (one A4
page each) in a PDF that only the committee's sysadmin can download, for a day. Members who have
an account already are skipped, so running it twice creates nobody twice; the whole call is one
transaction. The 三员分立 rule is kept: only the sysadmin (USERS write) does it, and only `member`
accounts are made.

Hashing is the cost: one-time passwords use `OneTimePasswordHasher` (PBKDF2, 10,000 rounds) when it
is configured — Django re-hashes with the preferred hasher at the first login — so that 600
accounts take seconds, not minutes (bench/bulk_accounts.py).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import segno
from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from luzhi.accounts import permissions
from luzhi.accounts.models import AccountLetters, SMSMessage, User
from luzhi.accounts.outbox import sms_queue_many
from luzhi.accounts.permissions import AccountChangeRefused, check_account_change
from luzhi.accounts.sealing import seal
from luzhi.core.audit import _via
from luzhi.core.clientip import client_ip
from luzhi.core.models import AuditEntry
from luzhi.core.permissions import can
from luzhi.core.roles import Role
from luzhi.core.sms import normalise_mobile
from luzhi.core.text import look_alike_keys
from luzhi.org.models import Committee, Member

ONE_TIME_HASHER = "pbkdf2_sha256_onetime"
# Readable and unambiguous: no 0/O/o, 1/l/I, 2/Z, 5/S, 8/B.
UPPER = "ACDEFGHJKMNPQRTUVWXY"
LOWER = "abcdefghjkmnpqrtuvwxy"
DIGITS = "34679"
SYMBOLS = "#%+=@"
ONE_TIME_LENGTH = 10
MAX_MEMBERS = 5000

SMS_TEXT = (
    "【履职平台】{name}委员您好，您的履职平台账号已开通。用户名：{username}，初始密码：{password}。"
    "请登录 {url} 后立即修改密码。"
)


class BulkRefused(Exception):
    """The caller may not create accounts (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class BulkResult:
    created: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    letters: AccountLetters | None = None


def one_time_password() -> str:
    """A random password of unambiguous characters that meets the password policy (3 of 4 classes)."""
    alphabet = UPPER + LOWER + DIGITS
    while True:
        chars = [secrets.choice(UPPER), secrets.choice(LOWER), secrets.choice(DIGITS), secrets.choice(SYMBOLS)]
        chars += [secrets.choice(alphabet) for _ in range(ONE_TIME_LENGTH - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


def _hasher() -> Any:
    try:
        return get_hasher(ONE_TIME_HASHER)
    except ValueError:  # not configured (e.g. the tests' MD5-only setting): the default one
        return get_hasher("default")


def _members(committee: Committee, member_ids: Any, all_active: Any) -> list[Member]:
    members = Member.objects.filter(committee=committee).order_by("id")
    if all_active is True:
        if member_ids not in (None, []):
            raise ValidationError({"members": ["“全部在任委员”与“指定委员”只能选一项。"]})
        return list(members.filter(status=Member.Status.ACTIVE)[: MAX_MEMBERS + 1])
    if all_active not in (None, False):
        raise ValidationError({"all_active": ["应为 true 或 false。"]})
    if not isinstance(member_ids, list) or not member_ids:
        raise ValidationError({"members": ["请选择要开通账号的委员，或选择全部在任委员。"]})
    if len(member_ids) > MAX_MEMBERS:
        raise ValidationError({"members": [f"一次最多开通{MAX_MEMBERS}个账号。"]})
    ids: list[int] = []
    for value in member_ids:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise ValidationError({"members": [f"委员编号“{value}”无效。"]})
        ids.append(value)
    found = list(members.filter(pk__in=ids))
    missing = sorted(set(ids) - {m.pk for m in found})
    if missing:
        raise ValidationError({"members": [f"本政协没有编号为 {missing[0]} 的委员。"]})
    gone = [m for m in found if m.status != Member.Status.ACTIVE]
    if gone:
        raise ValidationError(
            {"members": [f"{gone[0].name}已不在任（{gone[0].get_status_display()}），不能开通账号。"]}
        )
    return found


def _usernames(members: list[Member], committee: Committee) -> dict[int, str]:
    """A free username for each member: the mobile number, else m<committee>-<member>(-n)."""
    taken: set[str] = set()
    for username in User.objects.values_list("username", flat=True).iterator(chunk_size=2000):
        taken |= look_alike_keys(username)
    chosen: dict[int, str] = {}
    for member in members:
        candidates = []
        if phone := normalise_mobile(member.phone):
            candidates.append(phone)
        base = f"m{committee.pk}-{member.pk}"
        candidates += [base] + [f"{base}-{n}" for n in range(2, 50)]
        for candidate in candidates:
            keys = look_alike_keys(candidate)
            if not keys & taken:
                taken |= keys
                chosen[member.pk] = candidate
                break
    return chosen


def login_url(request: Any = None) -> str:
    from django.conf import settings

    base = getattr(settings, "LUZHI_SITE_URL", "") or ""
    if base:
        return base.rstrip("/") + "/login/"
    if request is not None:
        return request.build_absolute_uri("/login/")
    return "/login/"


def letters_pdf(*, committee: Committee, rows: list[dict[str, str]], url: str) -> bytes:
    """One A4 page per account: name, committee, username, one-time password, login address and its QR."""
    from weasyprint import HTML

    qr = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    html = render_to_string(
        "accounts/account_letters.html", {"committee": committee, "rows": rows, "url": url, "qr": qr}
    )
    return HTML(string=html).write_pdf()


def _audit_created(actor: Any, users: list[User], request: Any) -> None:
    via = "api" if request is not None and request.path.startswith("/api/") else _via(None)
    ip = client_ip(request) if request is not None else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=actor if getattr(actor, "pk", None) else None,
                username=getattr(actor, "username", "") or "",
                action=AuditEntry.Action.CREATE,
                model="accounts.user",
                object_id=str(user.pk),
                object_repr=user.username[:200],
                changes={
                    "username": [None, user.username],
                    "role": [None, user.role],
                    "member": [None, user.member_id],
                    "must_change_password": [None, True],
                    "bulk": [None, "批量开通"],
                },
                via=via,
                ip=ip,
                committee_id=user.committee_id,
            )
            for user in users
        ],
        batch_size=500,
    )


def member_accounts_create(
    *,
    actor: Any,
    committee: Committee,
    member_ids: Any = None,
    all_active: Any = None,
    request: Any = None,
    members: list[Member] | None = None,
) -> BulkResult:
    """Create the missing member accounts (see the module doc); ValidationError for bad input, BulkRefused."""
    if not can(actor, permissions.USERS, "write"):
        raise BulkRefused("只有系统管理员可以批量开通账号（三员分立）。")
    try:
        check_account_change(actor=actor, account=None, role=Role.MEMBER)
    except AccountChangeRefused as exc:
        raise BulkRefused(exc.message) from exc
    chosen = members if members is not None else _members(committee, member_ids, all_active)
    if len(chosen) > MAX_MEMBERS:
        raise ValidationError({"members": [f"一次最多开通{MAX_MEMBERS}个账号。"]})
    result = BulkResult()
    url = login_url(request)
    with transaction.atomic():
        # One run at a time per committee: a second, concurrent run waits and then finds the accounts.
        Committee.objects.select_for_update().filter(pk=committee.pk).first()
        have = set(
            User.objects.filter(member__in=[m.pk for m in chosen]).values_list("member_id", flat=True).distinct()
        )
        result.skipped = [m.pk for m in chosen if m.pk in have]
        todo = [m for m in chosen if m.pk not in have]
        if not todo:
            return result
        usernames = _usernames(todo, committee)
        hasher = _hasher()
        now = timezone.now()
        accounts: list[tuple[Member, User, str]] = []
        for member in todo:
            password = one_time_password()
            user = User(
                username=usernames[member.pk],
                role=Role.MEMBER,
                committee=committee,
                member=member,
                password=make_password(password, hasher=hasher),
                must_change_password=True,
                date_joined=now,
            )
            accounts.append((member, user, password))
        users = bulk_create_with_history(
            [u for _, u, _ in accounts],
            User,
            batch_size=500,
            default_user=actor if getattr(actor, "pk", None) else None,
            default_change_reason="bulk",
        )
        if any(u.pk is None for u in users):  # a backend that does not return ids from a bulk insert
            by_member = dict(User.objects.filter(member__in=[m.pk for m in todo]).values_list("member_id", "pk"))
            for _, user, _ in accounts:
                user.pk = by_member[user.member_id]
        _audit_created(actor, [u for _, u, _ in accounts], request)
        texts, letters = [], []
        for member, user, password in accounts:
            phone = normalise_mobile(member.phone)
            if phone:
                texts.append(
                    {
                        "to": phone,
                        "text": SMS_TEXT.format(name=member.name, username=user.username, password=password, url=url),
                        "redacted": SMS_TEXT.format(
                            name=member.name, username=user.username, password="******", url=url
                        ),
                        "purpose": SMSMessage.Purpose.ACCOUNT,
                        "template": "account",
                        "params": {"name": member.name, "username": user.username, "password": password},
                        "user": user,
                        "committee_id": committee.pk,
                    }
                )
            else:
                letters.append({"name": member.name, "username": user.username, "password": password})
            result.created.append({"member": member.pk, "user": user.pk, "username": user.username, "sms": bool(phone)})
        sms_queue_many(texts)
        if letters:
            # The letters' contents are sealed now and the PDF drawn at each download: WeasyPrint takes
            # ~0.1 s a page, which would otherwise be paid inside this transaction.
            payload = json.dumps({"url": url, "rows": letters}, ensure_ascii=False).encode()
            result.letters = AccountLetters.objects.create(
                committee=committee,
                created_by=actor if getattr(actor, "pk", None) else None,
                expires_at=now + timedelta(hours=AccountLetters.LIFETIME_HOURS),
                count=len(letters),
                sealed=seal(payload),
            )
    return result


def letters_for_download(*, viewer: Any, pk: Any) -> AccountLetters | None:
    """The letters the sysadmin may still download (their committee's, not expired), else None."""
    from luzhi.core.scoping import visible_to

    if not can(viewer, permissions.USERS, "write"):
        return None
    try:
        row = visible_to(AccountLetters.objects.select_related("committee"), viewer).filter(pk=pk).first()
    except (ValueError, TypeError):
        return None
    if row is None or row.expires_at <= timezone.now() or not row.sealed:
        return None
    return row


def letters_expire() -> int:
    """Erase the PDFs whose day is over; return how many."""
    return AccountLetters.objects.filter(expires_at__lte=timezone.now()).exclude(sealed=b"").update(sealed=b"")


class ImportAccounts:
    """The roster import's "同时开通账号": accounts for the members just imported, in the import's transaction."""

    REFUSED = "同时开通账号须由系统管理员操作（三员分立）；请导入后由系统管理员在“批量开通账号”中开通。"

    def __init__(self, *, actor: Any, committee: Committee, request: Any = None) -> None:
        if not can(actor, permissions.USERS, "write"):
            raise BulkRefused(self.REFUSED)
        self.actor, self.committee, self.request = actor, committee, request
        self.result: BulkResult | None = None

    @staticmethod
    def allowed(actor: Any) -> bool:
        return can(actor, permissions.USERS, "write")

    def __call__(self, members: list[Member]) -> None:
        active = [m for m in members if m.status == Member.Status.ACTIVE]
        self.result = member_accounts_create(
            actor=self.actor, committee=self.committee, members=active, request=self.request
        )
