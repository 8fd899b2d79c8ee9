"""Login, logout, the lockout page, and the three administrators' pages (三员分立)."""

from __future__ import annotations

import time
from typing import Any

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from luzhi.accounts import permissions, twofactor
from luzhi.accounts.audit import masked_phone
from luzhi.accounts.bulk import BulkRefused, member_accounts_create
from luzhi.accounts.forms import (
    AuditFilterForm,
    LoginForm,
    MemberAccountsForm,
    OTPCodeForm,
    PasswordChangeForm,
    SecuritySettingsForm,
    SMSLoginForm,
    SMSResetForm,
    UserForm,
)
from luzhi.accounts.letters import letters_response
from luzhi.accounts.models import AccountLetters, SecuritySettings, SMSCode, SMSMessage, User
from luzhi.accounts.outbox import sms_send
from luzhi.accounts.permissions import AccountChangeRefused, check_account_change
from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.accounts.selectors import (
    audit_list,
    audit_models,
    lockout_list,
    office_grant_list,
    otp_device_list,
    user_list,
)
from luzhi.accounts.serializers import masked_changes
from luzhi.accounts.services import (
    account_unlock,
    password_change,
    security_settings_update,
    user_create,
    user_update,
)
from luzhi.accounts.smscodes import RateLimited, code_check, code_request, password_reset_by_code
from luzhi.core.logging import mask_personal
from luzhi.core.models import AuditEntry
from luzhi.core.pages import add_service_errors, paginate, posted, require, rule_required
from luzhi.core.roles import ADMINS, Role
from luzhi.core.scoping import access_by_id, visible_to
from luzhi.org.selectors import acting_committee

# The account whose password was right, waiting for its code (the login's second step).
LOGIN_PENDING = "_lz_otp_login"
LOGIN_PENDING_SECONDS = 5 * 60


class LoginView(auth_views.LoginView):
    """Password, then — for an account with a TOTP device — its six-digit code on the same page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "code" in request.POST:
            return self.otp_step()
        request.session.pop(LOGIN_PENDING, None)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:  # a LoginForm
        user = form.get_user()
        if twofactor.confirmed_device(user) is not None:
            self.request.session[LOGIN_PENDING] = {"user": user.pk, "backend": user.backend, "at": int(time.time())}
            return self._otp_page(OTPCodeForm(), user)
        response = super().form_valid(form)
        if twofactor.otp_required_for(user):
            return redirect(twofactor.ENROL_URL)
        return response

    def otp_step(self) -> HttpResponse:
        """Check the code of the account whose password was right; a wrong code counts toward the lockout."""
        request = self.request
        pending = request.session.get(LOGIN_PENDING) or {}
        user = None
        if time.time() - pending.get("at", 0) <= LOGIN_PENDING_SECONDS:
            user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
        device = twofactor.confirmed_device(user) if user is not None else None
        if user is None or device is None:
            request.session.pop(LOGIN_PENDING, None)
            context = self.get_context_data(form=LoginForm(request), expired_message="验证已超时，请重新登录。")
            return self.render_to_response(context)
        if AxesProxyHandler.is_locked(request, {"username": user.username}):
            request.session.pop(LOGIN_PENDING, None)
            return lockout_response(request)
        form = OTPCodeForm(request.POST)
        if form.is_valid():
            if twofactor.otp_verify(request=request, user=user, device=device, code=form.cleaned_data["code"]):
                request.session.pop(LOGIN_PENDING, None)
                user.otp_device = device  # django-otp marks the session verified on login
                auth_login(request, user, backend=pending["backend"])
                return HttpResponseRedirect(self.get_success_url())
            form.add_error("code", twofactor.OTP_WRONG)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(LOGIN_PENDING, None)  # axes' middleware answers with the lockout page
        return self._otp_page(form, user)

    def _otp_page(self, form: OTPCodeForm, user: User) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=None, otp_form=form, otp_user=user))


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What a locked-out user sees: a page, or 403 JSON on the API."""
    message = "登录失败次数过多，账号已锁定30分钟。如需提前解锁，请联系安全管理员。"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "accounts/login.html", {"locked_message": message, "form": None}, status=403)


# ---- two-factor login (every account) --------------------------------------------------------


def otp_page(request: AuthedHttpRequest) -> HttpResponse:
    """Bind a TOTP device: scan the QR code (or type the secret), then confirm with a code."""
    user = request.user
    device = twofactor.confirmed_device(user)
    # Changing a bound device needs a session that proved it with a code at login.
    can_change = device is None or user.is_verified()
    form = OTPCodeForm(posted(request))
    if request.method == "POST":
        key = request.session.get(twofactor.PENDING_KEY)
        if not can_change or not key:
            messages.error(request, "请重新打开本页，扫描新的二维码后再输入动态验证码。")
            return redirect("accounts:otp")
        if form.is_valid():
            try:
                bound = twofactor.otp_device_confirm(actor=user, key=key, code=form.cleaned_data["code"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                request.session.pop(twofactor.PENDING_KEY, None)
                django_otp.login(request, bound)
                messages.success(request, "动态口令已绑定，今后登录时需输入验证器应用中的动态验证码。")
                return redirect("home")
    enrolling = can_change and (device is None or request.method == "POST" or "replace" in request.GET)
    context: dict[str, Any] = {
        "device": device,
        "form": form,
        "enrolling": enrolling,
        "can_change": can_change,
        "required": twofactor.otp_required_for(user),
    }
    if enrolling:
        key = twofactor.enrolment_key(request)
        url = twofactor.enrolment_url(user, key)
        context["qr_svg"] = segno.make(url, error="m").svg_inline(scale=5, border=2)
        context["secret"] = twofactor.enrolment_secret(key)
    return render(request, "accounts/otp.html", context)


@require_POST
def otp_remove_page(request: AuthedHttpRequest) -> HttpResponse:
    """Remove one's own TOTP device (accounts for which it is optional)."""
    user = request.user
    if twofactor.confirmed_device(user) is not None and not user.is_verified():
        messages.error(request, "请退出后使用动态口令重新登录，再解除绑定。")
        return redirect("accounts:otp")
    try:
        twofactor.otp_device_remove(actor=user, user=user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已解除动态口令绑定，今后登录只需密码。")
    return redirect("accounts:otp")


# ---- users (sysadmin) ----------------------------------------------------------------------


@rule_required(permissions.USERS)
def user_list_page(request: HttpRequest) -> HttpResponse:
    """The committee's accounts with their role, links and state."""
    page = paginate(request, user_list(viewer=request.user))
    return render(request, "accounts/user_list.html", {"page": page, "admin_roles": [r.value for r in ADMINS]})


def _refused(request: HttpRequest, exc: AccountChangeRefused) -> HttpResponse:
    return render(request, "accounts/account_refused.html", {"message": exc.message}, status=403)


@rule_required(permissions.USERS, "write")
def user_form_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create an ordinary account, or change its role, links, active flag or password (三员 accounts: refused)."""
    account = access_by_id(request.user, User, pk, qs=user_list(viewer=request.user)) if pk is not None else None
    try:
        check_account_change(actor=request.user, account=account, role=None)
    except AccountChangeRefused as exc:
        return _refused(request, exc)
    form = UserForm(posted(request), instance=account, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("password"):
            data.pop("password", None)
        try:
            if account is None:
                if "committee" not in form.fields:
                    data["committee"] = acting_committee(viewer=request.user)
                saved = user_create(actor=request.user, data=data)
            else:
                saved = user_update(actor=request.user, user=account, data=data)
        except AccountChangeRefused as exc:
            return _refused(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存账号“{saved.username}”。")
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form, "account": account})


# ---- security (secadmin) -------------------------------------------------------------------


OFFICE_GRANTS_SHOWN = 50  # the rest through GET /api/v1/office-grants/ (and its xlsx export)


@rule_required(permissions.SECURITY)
def security_page(request: HttpRequest) -> HttpResponse:
    """The idle timeout setting, the accounts locked after failed logins, and the latest grants of the office role."""
    current = SecuritySettings.current()
    form = SecuritySettingsForm(posted(request), initial={"session_idle_minutes": current.session_idle_minutes})
    if request.method == "POST":
        require(request.user, permissions.SECURITY, "write")
        if form.is_valid():
            try:
                security_settings_update(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "安全设置已保存。")
                return redirect("accounts:security")
    attempts = lockout_list(viewer=request.user)
    roles = dict(Role.choices)
    grants = [
        {"entry": g, "via": _VIA.get(g.via, g.via), "previous": roles.get((g.changes.get("role") or [""])[0], "")}
        for g in office_grant_list(viewer=request.user)[:OFFICE_GRANTS_SHOWN]
    ]
    return render(
        request,
        "accounts/security.html",
        {
            "form": form,
            "page": paginate(request, attempts),
            "grants": grants,
            "otp_devices": otp_device_list(viewer=request.user),
            "admin_roles": [role.value for role in ADMINS],
        },
    )


@require_POST
@rule_required(permissions.SECURITY, "write")
def unlock_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Clear one account's failed logins."""
    attempt = lockout_list(viewer=request.user).filter(pk=pk).first()
    if attempt is None:
        raise Http404
    account_unlock(actor=request.user, username=attempt.username)
    messages.success(request, f"已解锁账号“{attempt.username}”。")
    return redirect("accounts:security")


@require_POST
@rule_required(permissions.SECURITY, "write")
def otp_reset_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove another account's TOTP devices (a lost phone); an administrator's only by the server command."""
    account = access_by_id(request.user, User, pk, qs=user_list(viewer=request.user))
    try:
        twofactor.otp_device_remove(actor=request.user, user=account)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已重置账号“{account.username}”的动态口令，该账号可重新绑定。")
    return redirect("accounts:security")


# ---- audit (auditor) -----------------------------------------------------------------------


@rule_required(permissions.AUDIT)
def audit_page(request: HttpRequest) -> HttpResponse:
    """The audit log: who changed what, when, through which door, before → after."""
    model_names = audit_models(viewer=request.user)
    form = AuditFilterForm(request.GET or None, models=[(m, _model_label(m)) for m in model_names])
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "model": data["model"],
            "username": data["user"].strip(),
            "action": data["action"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    page = paginate(request, audit_list(viewer=request.user, **filters))
    export = request.GET.copy()
    for key in ("page", "date_from", "date_to"):
        export.pop(key, None)
    export["format"] = "xlsx"
    return render(
        request,
        "accounts/audit.html",
        {
            "form": form,
            "page": page,
            "rows": [_audit_row(entry) for entry in page],
            "export_url": f"/api/v1/audit/?{export.urlencode()}",
        },
    )


def _model_label(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


_VIA = {
    "page": "页面",
    "api": "接口",
    "admin": "后台",
    "import": "导入",
    "restore": "恢复",
    "command": "命令",
}


def _audit_row(entry: AuditEntry) -> dict[str, Any]:
    try:
        fields = {f.attname: f.verbose_name for f in apps.get_model(entry.model)._meta.concrete_fields}
    except (LookupError, ValueError):
        fields = {}
    changes = masked_changes(entry.changes) if isinstance(entry.changes, dict) else {}
    return {
        "entry": entry,
        "model": _model_label(entry.model) if entry.model else "",
        "via": _VIA.get(entry.via, entry.via),
        "changes": [
            {
                "label": fields.get(name, name),
                "old": pair[0] if len(pair) > 0 else None,
                "new": pair[1] if len(pair) > 1 else None,
            }
            for name, pair in changes.items()
            if isinstance(pair, (list, tuple)) and name != "id" and any(v not in (None, "") for v in pair)
        ],
    }


# ---- own password, login and reset by SMS code --------------------------------------------


def password_change_page(request: AuthedHttpRequest) -> HttpResponse:
    """Change one's own password (the page every account whose password someone else set is sent to)."""
    user = request.user
    form = PasswordChangeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            password_change(user=user, old_password=data["old_password"], new_password=data["new_password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, user)  # this session stays logged in; other devices are logged out
            messages.success(request, "密码已修改。")
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": user.must_change_password})


def _phone_only(form_class: Any, request: HttpRequest) -> Any:
    """The form bound to the phone alone, showing no error but the phone's (the "获取验证码" button)."""
    form = form_class({"phone": request.POST.get("phone", "")})
    form.full_clean()
    for name in [n for n in form.errors if n != "phone"]:
        del form.errors[name]
    return form


def _code_sent(request: HttpRequest, form: Any, purpose: str) -> bool:
    """Ask for a code for the form's phone; show the (same for every phone) answer on the page."""
    if form.errors:
        return False
    try:
        code_request(phone=request.POST.get("phone", ""), purpose=purpose, request=request)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except RateLimited as exc:
        form.add_error("phone", f"获取验证码过于频繁，请{exc.wait}秒后再试。")
        return False
    messages.info(request, "如该号码已开通账号，验证码已发送，5分钟内有效。")
    return True


def sms_login_page(request: HttpRequest) -> HttpResponse:
    """Log in with a code texted to the account's phone (no administrator; no account with a TOTP device)."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SMSLoginForm(posted(request) if "send" not in request.POST else None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and "send" in request.POST:
        form = _phone_only(SMSLoginForm, request)
        _code_sent(request, form, SMSCode.Purpose.LOGIN)
    elif request.method == "POST" and form.is_valid():
        try:
            user = code_check(phone=form.cleaned_data["phone"], code=form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if AxesProxyHandler.is_locked(request, {"username": user.username}):
                return lockout_response(request)
            if twofactor.confirmed_device(user) is not None or twofactor.otp_required_for(user):
                form.add_error(None, "该账号已绑定动态口令，请使用用户名、密码和动态验证码登录。")
            else:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                safe = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
                return redirect(next_url if next_url and safe else "home")
    return render(request, "accounts/sms_login.html", {"form": form, "next": next_url})


def sms_reset_page(request: HttpRequest) -> HttpResponse:
    """Set a new password with a code texted to the account's phone; then log in with it."""
    form = SMSResetForm(posted(request) if "send" not in request.POST else None)
    if request.method == "POST" and "send" in request.POST:
        form = _phone_only(SMSResetForm, request)
        _code_sent(request, form, SMSCode.Purpose.RESET)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            password_reset_by_code(
                phone=data["phone"], code=data["code"], new_password=data["new_password"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "密码已重置，请用新密码登录。")
            return redirect("login")
    return render(request, "accounts/sms_reset.html", {"form": form})


# ---- bulk member accounts (sysadmin) and the SMS outbox (office, sysadmin) ------------------


@rule_required(permissions.USERS, "write")
def member_accounts_page(request: HttpRequest) -> HttpResponse:
    """Give the committee's members accounts in one step; show who got one, who was skipped, the letters."""
    form = MemberAccountsForm(posted(request), actor=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        committee = acting_committee(viewer=request.user)
        chosen = data["scope"] == "chosen"
        try:
            result = member_accounts_create(
                actor=request.user,
                committee=committee,
                member_ids=[m.pk for m in data["members"]] if chosen else None,
                all_active=None if chosen else True,
                request=request,
            )
        except BulkRefused as exc:
            return render(request, "accounts/account_refused.html", {"message": exc.message}, status=403)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = MemberAccountsForm(actor=request.user)
    recent = visible_to(AccountLetters.objects.all(), request.user).filter(expires_at__gt=timezone.now())
    return render(
        request,
        "accounts/member_accounts.html",
        {"form": form, "result": result, "letters": recent.exclude(sealed=b"").defer("sealed")[:10]},
    )


@rule_required(permissions.USERS, "write")
def letters_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Download a PDF of sealed account letters (within 24 hours of the run)."""
    return letters_response(viewer=request.user, pk=pk)


@rule_required(permissions.SMS_OUTBOX)
def sms_outbox_page(request: HttpRequest) -> HttpResponse:
    """The committee's text messages (failures first by default), phones masked, codes and passwords hidden."""
    status = request.GET.get("status", "failed")
    rows = visible_to(SMSMessage.objects.all(), request.user).defer("sealed").order_by("-created_at", "-id")
    if status in SMSMessage.Status.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows)
    return render(
        request,
        "accounts/sms_outbox.html",
        {
            "page": page,
            "rows": [{"m": m, "to": masked_phone(m.to), "text": mask_personal(m.text)} for m in page],
            "status": status,
            "statuses": SMSMessage.Status.choices,
            "max_attempts": SMSMessage.MAX_ATTEMPTS,
        },
    )


@require_POST
@rule_required(permissions.SMS_OUTBOX, "write")
def sms_retry_page(request: HttpRequest) -> HttpResponse:
    """Send the committee's failed messages again now (each at most three sends in all)."""
    ids = list(
        visible_to(SMSMessage.objects.all(), request.user)
        .filter(status=SMSMessage.Status.FAILED, attempts__lt=SMSMessage.MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:1000]
    )
    counts = sms_send(ids=ids)
    messages.success(request, f"已重发：成功 {counts['sent']} 条，仍失败 {counts['failed']} 条。")
    return redirect("accounts:sms-outbox")
