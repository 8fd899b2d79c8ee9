"""Forms of the account pages: login, users, security settings, audit filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from luzhi.accounts.models import User
from luzhi.core.models import AuditEntry
from luzhi.core.pages import ServiceModelForm, StyledForm, plain_messages
from luzhi.core.roles import ADMINS
from luzhi.core.scoping import visible_to
from luzhi.org.models import Committee, Member, SpecialCommittee, Unit


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_messages(self)
        self.fields["username"].error_messages["required"] = "请输入用户名。"
        self.fields["password"].error_messages["required"] = "请输入密码。"


class OTPCodeForm(StyledForm):
    """The six digits of the authenticator app (动态验证码): the login's second step, and enrolment."""

    code = forms.CharField(
        label="动态验证码",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "请输入动态验证码。",
            "min_length": "动态验证码为6位数字。",
            "max_length": "动态验证码为6位数字。",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "maxlength": 6}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not (code.isascii() and code.isdigit()):
            raise forms.ValidationError("动态验证码为6位数字。")
        return code


class UserForm(ServiceModelForm):
    """An account's role and links, limited to the sysadmin's committee (a superuser picks one)."""

    password = forms.CharField(
        label="密码",
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False),
        help_text="至少10位，包含大写字母、小写字母、数字、符号中的至少3类。修改账号时留空表示不修改密码。",
    )

    class Meta:
        model = User
        fields = ["username", "role", "committee", "member", "unit", "special_committee", "is_active"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True
        self.fields["role"].choices = [("", "请选择角色")] + list(self.fields["role"].choices)[1:]
        # 三员 roles are not offered: the account service refuses them with its reason (管理命令 admin_account).
        self.fields["role"].widget.choices = [c for c in self.fields["role"].choices if c[0] not in ADMINS]
        if actor.is_superuser:
            self.fields["committee"].queryset = Committee.objects.all()
        else:
            del self.fields["committee"]
        self.fields["member"].queryset = visible_to(Member.objects.all(), actor).order_by("name")
        self.fields["unit"].queryset = visible_to(Unit.objects.all(), actor)
        self.fields["special_committee"].queryset = visible_to(SpecialCommittee.objects.all(), actor)
        if self.instance.pk is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = "至少10位，包含大写字母、小写字母、数字、符号中的至少3类。"


class SecuritySettingsForm(StyledForm):
    session_idle_minutes = forms.IntegerField(
        label="空闲超时（分钟）",
        min_value=5,
        max_value=480,
        help_text="5 至 480 分钟之间；用户在此时间内没有任何操作即需重新登录。",
    )


class AuditFilterForm(StyledForm):
    model = forms.ChoiceField(label="对象类型", required=False)
    user = forms.CharField(label="用户名", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部")] + AuditEntry.Action.choices)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, models: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "全部"), *models]


def _password_field(label: str, autocomplete: str = "new-password") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        error_messages={"required": f"请输入{label}。", "max_length": f"{label}不能超过128个字符。"},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class _NewPasswordForm(StyledForm):
    new_password = _password_field("新密码")
    new_password2 = _password_field("再次输入新密码")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data  # Form.clean returns cleaned_data
        if data.get("new_password") and data.get("new_password2") and data["new_password"] != data["new_password2"]:
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class PasswordChangeForm(_NewPasswordForm):
    old_password = _password_field("原密码", "current-password")
    field_order = ["old_password", "new_password", "new_password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password"
        ].help_text = "至少10位，包含大写字母、小写字母、数字、符号中的至少3类，不能与原密码相同。"


class PhoneForm(StyledForm):
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        error_messages={"required": "请输入手机号码。"},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class _CodeField(forms.CharField):
    def __init__(self) -> None:
        super().__init__(
            label="短信验证码",
            max_length=6,
            min_length=6,
            error_messages={
                "required": "请输入短信验证码。",
                "min_length": "验证码为6位数字。",
                "max_length": "验证码为6位数字。",
            },
            widget=forms.TextInput(
                attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "maxlength": 6}
            ),
        )


class SMSLoginForm(PhoneForm):
    code = _CodeField()


class SMSResetForm(_NewPasswordForm):
    phone = PhoneForm.base_fields["phone"]
    code = _CodeField()
    field_order = ["phone", "code", "new_password", "new_password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = "至少10位，包含大写字母、小写字母、数字、符号中的至少3类。"


class MemberAccountsForm(StyledForm):
    """Bulk member accounts: every active member of the committee, or the chosen ones."""

    scope = forms.ChoiceField(
        label="开通范围",
        choices=[("all_active", "本政协全部在任委员（已有账号的自动跳过）"), ("chosen", "指定委员")],
        initial="all_active",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择开通范围。", "invalid_choice": "请选择开通范围。"},
    )
    members = forms.ModelMultipleChoiceField(
        label="指定委员",
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        error_messages={"invalid_choice": "所选委员不存在。", "invalid_pk_value": "所选委员不存在。"},
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = visible_to(Member.objects.all(), actor).filter(status=Member.Status.ACTIVE, users__isnull=True)
        self.fields["members"].queryset = members.order_by("name")
        self.fields["members"].help_text = "仅列出尚无账号的在任委员；可按住 Ctrl 多选。"

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data  # Form.clean returns cleaned_data
        if data.get("scope") == "chosen" and not data.get("members"):
            self.add_error("members", "请选择要开通账号的委员。")
        return data
