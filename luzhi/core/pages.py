"""What every server-rendered page shares: the role check, pagination and error display.

Permissions stay the `Rule`s of each app's permissions.py checked with `can`; this module
only turns a refusal into Django's 403 page and a service's ValidationError into form errors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.core.validators import (
    BaseValidator,
    DecimalValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
)
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from luzhi.core.periods import YEAR_INVALID, YEAR_MAX, YEAR_MIN, year_of_request
from luzhi.core.permissions import Rule, can
from luzhi.core.scoping import CommitteeOwned, StaleEdit, check_version

PAGE_SIZE = 50


def require(user: Any, rule: Rule, action: str = "read") -> None:
    """Raise PermissionDenied (the Chinese 403 page) unless the user's role may do this."""
    if not can(user, rule, action):
        raise PermissionDenied("您的角色无权进行此操作。")


def rule_required(
    rule: Rule, action: str = "read"
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Decorate a page view so that only roles allowed by the rule reach it."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require(request.user, rule, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def query_year(request: HttpRequest, default: int) -> int:
    """The page's ?year= (the default when absent); a bad one shows a message and the default instead."""
    try:
        return year_of_request(request, default=default)
    except ValidationError:
        messages.warning(request, f"{YEAR_INVALID}已显示{default}年。")
        return default


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page[Any]:
    """Return the requested page of a queryset, sliced in the database (bad page numbers → nearest page)."""
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def error_text(exc: Exception) -> str:
    """One line for a page message: a ValidationError's messages joined with "；", else the error's message."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return getattr(exc, "message", None) or str(exc)


def form_error_text(form: forms.BaseForm) -> str:
    """An invalid form's errors as one line for a page message, each after its field's label."""
    parts: list[str] = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        parts.extend(
            f"{label}：{str(message).rstrip('。')}" if label else str(message).rstrip("。") for message in errors
        )
    return "；".join(parts) + "。"


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.error_dict.items():
        messages = [m for e in errors for m in e.messages]
        target = field if field in form.fields else None
        if field not in (NON_FIELD_ERRORS, None) and target is None:
            label = _field_label(form, field)
            messages = [f"{label}：{m}" if label else m for m in messages]
        form.add_error(target, messages)


def _field_label(form: forms.BaseForm, field: str) -> str:
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return ""
    try:
        return str(model._meta.get_field(field).verbose_name)
    except Exception:  # noqa: BLE001 - an unknown name just goes without a label
        return ""


def style_widgets(form: forms.BaseForm) -> None:
    """Give each widget Bootstrap's class and Chinese empty choices, so templates need only `{{ field }}`."""
    for field in form.fields.values():
        empty = "请选择" if field.required else "（无）"
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = empty
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = list(cast("list[Any]", field.choices))  # normalised to a list by ChoiceField
            if choices and choices[0][0] == "" and choices[0][1].startswith("---"):
                field.choices = [("", empty), *choices[1:]]
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "").split()
        if css not in classes:
            widget.attrs["class"] = " ".join([*classes, css])


def _in_year_range(value: date | datetime | None, label: str = "日期") -> None:
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise forms.ValidationError(f"{label}超出范围（{YEAR_MIN}—{YEAR_MAX} 年）。", code="year_range")


def bound_dates(form: forms.BaseForm) -> None:
    """Hold every date and time field of the form to years 1900..2999 (year 1 overflows time zones)."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)) and _in_year_range not in field.validators:
            field.validators.append(_in_year_range)


def _label(form: forms.BaseForm, name: str, field: forms.Field) -> str:
    label = str(field.label or _field_label(form, name) or "此项")
    # "进度（%）": Django formats some messages with %, so the label's % goes full-width.
    return label.rstrip("：: ").replace("%", "％")


def _plain_field_texts(field: forms.Field, label: str) -> dict[str, str]:
    """What each of Django's generic field errors says instead, naming the field."""
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        required = f"请选择{label}。"
    elif isinstance(field, forms.FileField):
        required = f"请上传{label}。"
    else:
        required = f"请填写{label}。"
    if isinstance(field, forms.DateTimeField):
        invalid = f"{label}不是有效的日期时间，请按 2026-12-03 09:30 的格式填写。"
    elif isinstance(field, forms.DateField):
        invalid = f"{label}不是有效的日期，请按 2026-12-03 的格式填写。"
    elif isinstance(field, forms.TimeField):
        invalid = f"{label}不是有效的时间，请按 09:30 的格式填写。"
    elif isinstance(field, forms.IntegerField):
        invalid = f"{label}应为整数。"
    elif isinstance(field, (forms.DecimalField, forms.FloatField)):
        invalid = f"{label}应为数字。"
    elif isinstance(field, forms.EmailField):
        invalid = f"{label}不是有效的电子邮箱地址。"
    elif isinstance(field, forms.URLField):
        invalid = f"{label}不是有效的网址。"
    elif isinstance(field, forms.FileField):
        invalid = f"{label}未能上传，请重新选择文件。"
    else:
        invalid = f"{label}格式不正确。"
    max_length = getattr(field, "max_length", None)
    return {
        "required": required,
        "invalid": invalid,
        "invalid_choice": f"{label}的选项无效，请重新选择。",
        "invalid_list": f"{label}应为一组选项。",
        "invalid_pk_value": f"{label}的选项无效，请重新选择。",
        "invalid_date": f"{label}的日期无效。",
        "invalid_time": f"{label}的时间无效。",
        "invalid_image": f"{label}不是有效的图片。",
        "missing": f"请上传{label}。",
        "empty": f"{label}是空文件。",
        "max_length": f"{label}的文件名不能超过{max_length}字。",
        "contradiction": f"{label}：请上传文件或勾选清除，两者选一。",
        "overflow": f"{label}超出范围。",
    }


def _plain_validator(validator: Any, label: str) -> Any:
    """A copy of one of Django's generic validators whose message names the field (others as they are)."""
    if validator is _in_year_range:
        return partial(_in_year_range, label=label)
    if isinstance(validator, DecimalValidator):
        return _PlainDecimalValidator(validator.max_digits, validator.decimal_places, label)
    if not isinstance(validator, BaseValidator) or validator.message != type(validator).message:
        return validator
    limit = validator.limit_value
    text = {
        MaxLengthValidator: f"{label}不能超过{limit}字。",
        MinLengthValidator: f"{label}不能少于{limit}字。",
        MaxValueValidator: f"{label}不能大于{limit}。",
        MinValueValidator: f"{label}不能小于{limit}。",
    }.get(type(validator))
    return type(validator)(limit, message=text) if text else validator


class _PlainDecimalValidator(DecimalValidator):
    def __init__(self, max_digits: int | None, decimal_places: int | None, label: str) -> None:
        super().__init__(max_digits, decimal_places)
        whole = None if max_digits is None or decimal_places is None else max_digits - decimal_places
        self.messages = {
            "invalid": f"{label}应为数字。",
            "max_digits": f"{label}不能超过{max_digits}位数字。",
            "max_decimal_places": f"{label}最多{decimal_places}位小数。",
            "max_whole_digits": f"{label}的整数部分不能超过{whole}位。",
        }


def plain_messages(form: forms.BaseForm) -> None:
    """Replace Django's generic error texts ("确保该值大于或等于0") with ones naming the field ("数量不能小于0").

    Messages a form or field set itself are left as they are; only Django's defaults are replaced.
    """
    for name, field in form.fields.items():
        label = _label(form, name, field)
        defaults = {
            key: text
            for klass in reversed(type(field).__mro__)
            for key, text in getattr(klass, "default_error_messages", {}).items()
        }
        texts = _plain_field_texts(field, label)
        field.error_messages = {
            key: texts[key] if key in texts and defaults.get(key) is message else message
            for key, message in field.error_messages.items()
        }
        field.validators = [_plain_validator(v, label) for v in field.validators]


class PlainForm(forms.Form):
    """A form that keeps its own widgets' look; its dates are bounded and its errors name the field."""

    # Forms set their fields up by name (queryset, choices…): each field's class is known here, not to the
    # stubs' dict[str, Field].
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_dates(self)
        plain_messages(self)


class StyledForm(PlainForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)


def version_field(instance: CommitteeOwned) -> forms.IntegerField:
    """The hidden field carrying the version an editor read (check it with `check_version`)."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, initial=instance.version)


if TYPE_CHECKING:  # the stubs' ModelForm is generic in its model; Django's is not subscriptable
    _ModelForm = forms.ModelForm[Any]
else:
    _ModelForm = forms.ModelForm


class VersionedModelForm(_ModelForm):
    """An edit form of a committee's row that refuses a submit made from an older version.

    The version the editor read travels with the form; a submit made from an older one is
    refused with the message (nothing saved) instead of overwriting someone's change.
    """

    # Forms set their fields up by name (queryset, choices…): each field's class is known here, not to the
    # stubs' dict[str, Field].
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bound_dates(self)
        if isinstance(self.instance, CommitteeOwned) and self.instance.pk is not None:
            self.fields["version"] = version_field(self.instance)
        plain_messages(self)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data  # ModelForm's clean returns cleaned_data
        if "version" in self.fields:
            try:
                check_version(self.instance, cleaned.pop("version", None))
            except StaleEdit as exc:
                raise forms.ValidationError(exc.message, code="stale") from None
        return cleaned


class ServiceModelForm(VersionedModelForm):
    """A ModelForm that only checks its fields: the model's own rules run once, in the service.

    The view passes `cleaned_data` to object_create / object_update (or a domain service),
    whose full_clean() raises ValidationError; `add_service_errors` puts it back on the form.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def _post_clean(self) -> None:
        pass


def posted(request: HttpRequest) -> Any:
    """The POST data to bind a form to, or None on GET (an empty POST still binds, so it shows errors)."""
    return request.POST if request.method == "POST" else None
