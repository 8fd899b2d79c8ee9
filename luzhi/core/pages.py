"""What every server-rendered page shares: the role check, pagination and error display.

Permissions stay the `Rule`s of each app's permissions.py checked with `can`; this module
only turns a refusal into Django's 403 page and a service's ValidationError into form errors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
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


def _in_year_range(value: date | datetime | None) -> None:
    if value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise forms.ValidationError(f"日期超出范围（{YEAR_MIN}—{YEAR_MAX} 年）。", code="year_range")


def bound_dates(form: forms.BaseForm) -> None:
    """Hold every date and time field of the form to years 1900..2999 (year 1 overflows time zones)."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)) and _in_year_range not in field.validators:
            field.validators.append(_in_year_range)


class StyledForm(forms.Form):
    # Forms set their fields up by name (queryset, choices…): each field's class is known here, not to the
    # stubs' dict[str, Field].
    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)
        bound_dates(self)


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
