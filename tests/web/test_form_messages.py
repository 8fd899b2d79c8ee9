"""Every form of the project says what is wrong in plain Chinese naming the field, never Django's generic text."""

import importlib
import inspect
import pkgutil
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.http import QueryDict
from django.test import RequestFactory

import luzhi
from luzhi.core.pages import plain_messages

pytestmark = pytest.mark.django_db

# Django's generic texts (zh-hans) that name no field.
GENERIC = (
    "确保",
    "该字段是必填项",
    "输入整数",
    "输入一个",
    "选择一个有效的选项",
    "请输入合法",
    "输入一系列值",
    "确认总共",
)


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for app in pkgutil.iter_modules(luzhi.__path__):
        try:
            module = importlib.import_module(f"luzhi.{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
                and not name.startswith("_")
                and not (issubclass(obj, forms.BaseModelForm) and obj._meta.model is None)  # a base, not a form
            ):
                found[f"{module.__name__}.{name}"] = obj
    return [found[k] for k in sorted(found)]


FORMS = _form_classes()


def _build(cls: type[forms.BaseForm], user: Any, data: dict[str, Any], committee: Any = None) -> forms.BaseForm:
    kwargs: dict[str, Any] = {}
    for klass in cls.__mro__:  # a form's own __init__ may pass its base's required keywords on in **kwargs
        if "__init__" not in vars(klass):
            continue
        for name, param in inspect.signature(klass.__init__).parameters.items():
            if param.kind is param.KEYWORD_ONLY and param.default is param.empty:
                known = {"models": [], "with_author": True, "on_behalf": True, "committee": committee}
                kwargs[name] = known.get(name, user)
    if issubclass(cls, AuthenticationForm):  # the login form checks the lockout of the request's address
        request = RequestFactory().post("/accounts/login/")
        request.axes_ip_address = "127.0.0.1"  # type: ignore[attr-defined]
        return cls(request, data=data)
    # As a page posts it: a QueryDict (forms read several values of one name with getlist).
    posted = QueryDict(mutable=True)
    for name, value in data.items():
        posted.setlist(name, value if isinstance(value, list) else [value])
    return cls(data=posted, files={}, **kwargs)


def _bad_input(field: forms.Field) -> Any:
    """What each field refuses: too long, too small, too large, not a number, not a date, not a choice."""
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        if field.min_value is not None:
            return str(Decimal(field.min_value) - 1)
        if field.max_value is not None:
            return str(Decimal(field.max_value) + 1)
        return "abc"
    if isinstance(field, (forms.DateField, forms.DateTimeField, forms.TimeField)):
        return "不是日期"
    if isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
        return ["no-such-choice"]
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
        return "no-such-choice"
    if isinstance(field, forms.CharField):
        return "字" * ((field.max_length or 10) + 1)
    return ""


def test_the_walk_finds_the_forms_of_every_app():
    apps = {cls.__module__.split(".")[1] for cls in FORMS}
    assert {"accounts", "activities", "ledger", "org", "research", "proposals", "scoring"} <= apps
    assert len(FORMS) >= 40


@pytest.mark.parametrize("cls", FORMS, ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
@pytest.mark.parametrize("kind", ["bad", "empty"])
def test_no_form_shows_django_generic_text(cls, kind, superuser, committee):
    blank = _build(cls, superuser, {}, committee)
    data = {name: _bad_input(field) for name, field in blank.fields.items()} if kind == "bad" else {}
    form = _build(cls, superuser, data, committee)
    form.is_valid()
    texts = [str(m) for errors in form.errors.values() for m in errors]
    leaked = [t for t in texts if any(g in t for g in GENERIC)]
    assert not leaked, leaked


def test_the_messages_name_the_field():
    class Sample(forms.Form):
        title = forms.CharField(label="标题", max_length=200)
        count = forms.IntegerField(label="数量", min_value=0)
        day = forms.DateField(label="日期", required=False)
        kind = forms.ChoiceField(label="类型", choices=[("a", "甲")])

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            plain_messages(self)

    form = Sample(data={"title": "字" * 201, "count": "-1", "day": "明天", "kind": "b"})
    assert not form.is_valid()
    assert form.errors == {
        "title": ["标题不能超过200字。"],
        "count": ["数量不能小于0。"],
        "day": ["日期不是有效的日期，请按 2026-12-03 的格式填写。"],
        "kind": ["类型的选项无效，请重新选择。"],
    }
    assert Sample(data={}).errors["title"] == ["请填写标题。"]
    assert Sample(data={}).errors["kind"] == ["请选择类型。"]


def test_a_message_the_form_set_itself_is_kept():
    class Own(forms.Form):
        code = forms.CharField(label="签到码", max_length=6, error_messages={"required": "请输入签到码。"})

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            plain_messages(self)

    assert Own(data={}).errors["code"] == ["请输入签到码。"]
