"""The API's conventions in one place: pagination, errors, serializers and the base viewset."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from luzhi.core.audit import content_fields, restoring
from luzhi.core.errors import BUSY_MESSAGE, BUSY_RETRY_AFTER, WorkflowError, is_database_busy
from luzhi.core.periods import YEAR_MAX, YEAR_MIN
from luzhi.core.permissions import RolePermission, Rule
from luzhi.core.roles import acted_as
from luzhi.core.scoping import CommitteeOwned, StaleEdit, check_version, visible_to
from luzhi.core.services import object_create, object_delete, object_update

M = TypeVar("M", bound=models.Model)


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """Turn a Django ValidationError into API.md's `{"field": ["message"]}`."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if k == NON_FIELD_ERRORS else k): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map service errors to API.md's statuses: 400 bad input, 404 out of scope, 409 workflow, 503 busy."""
    if is_database_busy(exc):
        headers = {"Retry-After": str(BUSY_RETRY_AFTER)}
        return Response({"detail": BUSY_MESSAGE}, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
    if isinstance(exc, StaleEdit):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response(django_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, WorkflowError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        return Response({"detail": "数据与已有记录冲突，未保存。"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到。")
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        exc = exceptions.ParseError(f"请求内容超过 {limit} MB。")
    if isinstance(exc, RecursionError):
        # json.load gives up on bodies nested thousands deep; such a body is bad input, not a crash.
        exc = exceptions.ParseError("请求内容嵌套过深，无法解析。")
    if isinstance(exc, (exceptions.UnsupportedMediaType, exceptions.NotAcceptable)):
        # A body or Accept header the endpoint cannot handle is bad input like any other.
        exc = exceptions.ParseError(exc.detail)
    response = drf_exception_handler(exc, context)
    return response


def as_id(value: Any) -> int | None:
    """The value as a database id, or None when it cannot be one (text, negative, too large)."""
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**63:
        return None
    return int(text)


def request_dict(request: Request) -> dict[str, Any]:
    """The request body as a mapping; a JSON list or scalar body is rejected as bad input."""
    if not hasattr(request.data, "get"):
        raise exceptions.ParseError("请求内容应为 JSON 对象。")
    return cast(dict[str, Any], request.data)  # a mapping: checked above


def if_match_version(request: Request) -> str | None:
    """The version named by an `If-Match: "3"` (or `W/"3"`) header; None without one or for `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip().strip('"')
    return value if value.isascii() and value.isdigit() else "invalid"


class ScopedManyRelatedField(serializers.ManyRelatedField):
    """A list of ids in one query, not one query per id; the same errors as the single field."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, str) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        child = self.child_relation
        ids = []
        for item in data:
            if as_id(item) is None:
                child.fail("incorrect_type", data_type=type(item).__name__)
            ids.append(as_id(item))
        found = cast("models.QuerySet[Any]", child.get_queryset()).in_bulk(ids)  # a writable field has one
        for pk, item in zip(ids, data, strict=True):
            if pk not in found:
                child.fail("does_not_exist", pk_value=item)
        return [found[pk] for pk in ids]


class ScopedRelatedField(serializers.PrimaryKeyRelatedField[Any]):
    """A foreign key in the API: only rows the caller may see are accepted (others are 400)."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> ScopedManyRelatedField:
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return ScopedManyRelatedField(**list_kwargs)

    def get_queryset(self) -> models.QuerySet[Any]:
        request = self.context.get("request")
        base = cast("models.QuerySet[Any]", super().get_queryset())  # a writable field has one
        return visible_to(base, request.user if request else None)

    def use_pk_only_optimization(self) -> bool:
        return not self.context.get("xlsx")

    def to_representation(self, value: Any) -> Any:
        if self.context.get("xlsx"):
            return str(value)
        return super().to_representation(value)


def _versioned(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, CommitteeOwned)


class DateField(serializers.DateField):
    """A date of this world: years 1900 to 2999 (a year like 58 would not even print as YYYY-MM-DD)."""

    def to_internal_value(self, value: Any) -> Any:
        result = super().to_internal_value(value)
        if not YEAR_MIN <= result.year <= YEAR_MAX:
            raise exceptions.ValidationError(f"日期超出范围（{YEAR_MIN}—{YEAR_MAX} 年）。")
        return result


class DateTimeField(serializers.DateTimeField):
    """A time of years 1900 to 2999: year 1 or 9999 overflows when moved between time zones."""

    def enforce_timezone(self, value: Any) -> Any:
        # Checked before and after the zone change, which itself overflows near years 1 and 9999.
        if not YEAR_MIN <= value.year <= YEAR_MAX:
            raise exceptions.ValidationError(f"时间超出范围（{YEAR_MIN}—{YEAR_MAX} 年）。")
        result = super().enforce_timezone(value)
        if not YEAR_MIN <= result.year <= YEAR_MAX:
            raise exceptions.ValidationError(f"时间超出范围（{YEAR_MIN}—{YEAR_MAX} 年）。")
        return result


def xlsx_label(value: Any, labels: Mapping[str, str]) -> Any:
    """A code (or each code of a list) as its label for a sheet; an unknown code stays as it is."""
    if isinstance(value, (list, tuple)):
        return [labels.get(v, v) if isinstance(v, str) else v for v in value]
    return labels.get(value, value) if isinstance(value, str) else value


def _model_field(model: Any, name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or no model at all
        return None


def _related_source(field: Any) -> str | None:
    """The foreign key an id field shows (`committee` for source="committee_id" or a PK related field)."""
    source = getattr(field, "source", "") or ""
    if not source or "." in source or source == "*" or isinstance(field, ScopedRelatedField):
        return None
    if isinstance(field, serializers.PrimaryKeyRelatedField):
        return source
    if isinstance(field, serializers.IntegerField) and source.endswith("_id"):
        related = _model_field(getattr(getattr(field.parent, "Meta", None), "model", None), source[:-3])
        return source[:-3] if related is not None and related.is_relation else None
    return None


class LuzhiSerializer(serializers.ModelSerializer[Any]):
    """Base serializer: scoped relations, no DRF unique validators (models validate), xlsx labels.

    A committee-owned row shows its `version`; a PUT/PATCH that sends it back (or an `If-Match`
    header with it) is refused with 409 when the row has changed since (see ScopedModelViewSet).
    """

    serializer_related_field = ScopedRelatedField
    # Codes a sheet shows by their labels, field name → {code: label} (a list of codes: each one).
    xlsx_labels: ClassVar[dict[str, Mapping[str, str]]] = {}
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: DateField,
        models.DateTimeField: DateTimeField,
    }

    def get_validators(self) -> list[Any]:
        return []

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        meta = getattr(self, "Meta", None)
        if not _versioned(getattr(meta, "model", None)):
            return fields
        if self.context.get("xlsx"):
            fields.pop("version", None)  # an edit counter is no column of an export
        else:
            fields["version"] = serializers.IntegerField(
                min_value=1,
                max_value=2**31 - 1,
                required=False,
                label="版本号",
                help_text="读取时的版本号；修改时带回，记录已被他人修改则返回 409。创建时忽略。",
            )
        return fields

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        if self.instance is None:
            values.pop("version", None)  # a new row starts at version 1 whatever the client says
        return values

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if self.context.get("xlsx"):
            for name, field in self.fields.items():
                if isinstance(field, serializers.ChoiceField) and data.get(name) in field.choices:
                    data[name] = field.choices[data[name]]
                elif isinstance(field, serializers.BooleanField):
                    data[name] = "是" if data.get(name) else "否"
                elif isinstance(field, serializers.DecimalField) and isinstance(data.get(name), str):
                    data[name] = float(data[name])  # a number to add up, not the API's "10.00"
                elif name in data and (related := _related_source(field)) is not None:
                    # A sheet names the row a foreign key points at (fetched by xlsx_related); an id
                    # means nothing to its reader. A row pointing at a row of the same list keeps
                    # that row's 编号.
                    fk = _model_field(type(instance), related)
                    if fk is not None and fk.related_model is not type(instance) and fk.is_cached(instance):
                        value = getattr(instance, related)
                        data[name] = None if value is None else str(value)
            for name, labels in self.xlsx_labels.items():
                data[name] = xlsx_label(data.get(name), labels)
        return data


class HistoryEntrySerializer(serializers.Serializer[Any]):
    history_id = serializers.IntegerField(label="版本号")
    at = serializers.DateTimeField(source="history_date", label="时间")
    user = serializers.SerializerMethodField(label="用户")
    action = serializers.SerializerMethodField(label="操作")

    def get_user(self, obj: Any) -> str:
        request = self.context.get("request")
        return acted_as(obj.history_user, viewer=getattr(request, "user", None))

    def get_action(self, obj: Any) -> str:
        if self.context.get("xlsx"):
            return {"+": "新建", "~": "修改", "-": "删除"}[obj.history_type]
        return {"+": "create", "~": "update", "-": "delete"}[obj.history_type]


if TYPE_CHECKING:  # what the mixin is mixed into (a list of a generic view)

    class _ListView(mixins.ListModelMixin, generics.GenericAPIView[Any]): ...

else:
    _ListView = object


class XLSXListMixin(_ListView):
    """`?format=xlsx` on a list: every row that matches the filters (no pages), Chinese headers."""

    @cached_property
    def is_xlsx(self) -> bool:
        return getattr(self.request, "accepted_renderer", None) is not None and (
            self.request.accepted_renderer.format == "xlsx"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = cast(dict[str, Any], super().get_serializer_context())  # DRF builds a dict
        context["xlsx"] = self.is_xlsx
        return context

    def paginate_queryset(self, queryset: Any) -> Any:
        if self.is_xlsx:
            return None
        return super().paginate_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.is_xlsx:
            qs = self.filter_queryset(self.get_queryset()).select_related(*self.xlsx_related())
            return Response(self.get_serializer(qs[: settings.LUZHI_EXPORT_MAX_ROWS], many=True).data)
        return super().list(request, *args, **kwargs)

    def xlsx_related(self) -> builtins.list[str]:
        """The foreign keys an export shows by name, fetched in the same query."""
        fields = cast(serializers.Serializer[Any], self.get_serializer()).fields
        shown = set(fields) | {source for f in fields.values() if (source := _related_source(f)) is not None}
        model = self.get_queryset().model
        return [f.name for f in model._meta.concrete_fields if f.is_relation and f.name in shown]

    def xlsx_headers(self) -> builtins.list[tuple[str, str]]:
        serializer = cast(serializers.Serializer[Any], self.get_serializer())
        headers: builtins.list[tuple[str, str]] = []
        for name, f in serializer.fields.items():
            label = str(f.label or name)
            # Two fields of one meaning (`member` and `member_name`, both 委员) make one column.
            if not f.write_only and label not in {seen for _, seen in headers}:
                headers.append((name, label))
        return headers


class ScopedModelViewSet(XLSXListMixin, viewsets.ModelViewSet[M]):
    """CRUD over one committee-owned model: scoped reads, role rules, writes through services.

    Subclasses set `model`, `serializer_class`, `permission_rule` and may override
    `create_object` / `update_object` to call their domain's service.
    """

    model: type[M]
    permission_rule: Rule
    permission_classes = [IsAuthenticated, RolePermission]
    xlsx_filename = "export"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return visible_to(qs, self.request.user)

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        drf_request: Request = super().initialize_request(request, *args, **kwargs)
        if self.action == "restore":
            # A restore is POSTed, also to a resource whose only write is PATCH (get_extra_actions).
            self.http_method_names = [*self.http_method_names, "post"]
        return drf_request

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A method the resource never allows is 405 for every caller, before any role check.
        method = request.method or ""  # Django sets it on every request
        if method.lower() not in self.http_method_names:
            raise exceptions.MethodNotAllowed(method)
        if self.action == "restore":
            # A restore is an edit: roles, the object's scope and the service's own rules are checked
            # exactly as for a PATCH of the same fields (action_rules, get_object and serializers alike).
            self.action = "partial_update"
        super().initial(request, *args, **kwargs)

    @classmethod
    def get_extra_actions(cls) -> list[Any]:
        # A resource no one may PATCH has no restore either: a restore is an edit.
        actions = super().get_extra_actions()
        if "patch" in cls.http_method_names:
            return actions
        return [a for a in actions if a.__name__ != "restore"]

    def committee_for_write(self) -> Any:
        """The committee a new row belongs to: the caller's (a superuser names one by `committee`)."""
        if not hasattr(self, "_write_committee"):  # asked more than once in a request: looked up once
            self._write_committee = self._committee_for_write()
        return self._write_committee

    def _committee_for_write(self) -> Any:
        source = self.request.query_params if self.request.method in SAFE_METHODS else self.request.data
        requested = source.get("committee") if hasattr(source, "get") else None
        return import_string(settings.LUZHI_ACTING_COMMITTEE)(viewer=self.request.user, requested=requested)

    def create_object(self, data: dict[str, Any]) -> M:
        return object_create(actor=self.request.user, model=self.model, data=data)

    def update_object(self, instance: M, data: dict[str, Any]) -> M:
        return object_update(actor=self.request.user, instance=instance, data=data)

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        if any(f.name == "committee" for f in self.model._meta.fields):
            data["committee"] = self.committee_for_write()
        serializer.instance = self.create_object(data)

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        sent = data.pop("version", None)
        if isinstance(serializer.instance, CommitteeOwned):
            # The version the client read (body or If-Match) must still be the row's; the save
            # itself then re-checks it in the database, so a concurrent writer cannot slip in.
            check_version(serializer.instance, sent)
            check_version(serializer.instance, if_match_version(self.request))
        serializer.instance = self.update_object(cast(M, serializer.instance), data)  # an update has one

    def perform_destroy(self, instance: M) -> None:
        object_delete(actor=self.request.user, instance=instance)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: Any = None) -> Response:
        """The versions of this object, newest first."""
        obj = self.get_object()
        records = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
        page = self.paginate_queryset(records)
        context = self.get_serializer_context()
        if page is None:
            return Response(HistoryEntrySerializer(records, many=True, context=context).data)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True, context=context).data)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return HistoryEntrySerializer if self.action == "history" else super().get_serializer_class()

    @extend_schema(
        request=inline_serializer(
            "RestoreRequest",
            {
                "history_id": serializers.IntegerField(help_text="要恢复到的历史版本（见 history/）。"),
                "version": serializers.IntegerField(
                    required=False, help_text="读取时的版本号；记录已被他人修改则返回 409。"
                ),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: Any = None) -> Response:
        """Put this object's content back as it was in one of its versions: an edit, allowed where a PATCH is."""
        body = request_dict(request)
        instance = self.get_object()
        history_id = as_id(body.get("history_id"))
        record = None if history_id is None else instance.history.filter(history_id=history_id).first()
        if record is None:
            raise exceptions.ValidationError({"history_id": ["没有这个历史版本。"]})
        data = self.restore_data(record)
        if "version" in body:
            data["version"] = body["version"]
        serializer = self.get_serializer(instance, data=data, partial=True)
        serializer.is_valid(raise_exception=True)
        with restoring(instance):
            self.perform_update(serializer)
        if getattr(instance, "_prefetched_objects_cache", None):
            instance._prefetched_objects_cache = {}  # as after a PATCH: the answer shows the links as saved
        return Response(serializer.data)

    def restore_data(self, record: Any) -> dict[str, Any]:
        """The PATCH body that puts back the content of a historical version (never a workflow field)."""
        restorable = {f.name for f in content_fields(self.model)}
        old = record.instance
        data = {}
        for name, field in cast(serializers.Serializer[Any], self.get_serializer(old)).fields.items():
            if field.read_only or field.write_only or field.source not in restorable:
                continue
            value = field.get_attribute(old)
            data[name] = None if value is None else field.to_representation(value)
        return data
