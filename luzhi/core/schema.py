"""The OpenAPI schema states API.md's error answers on every operation, so clients (and the fuzz
test) can rely on it: 400 bad input, 401 no token, 403 role, 404 not found or out of scope,
409 workflow step, stale edit or conflict on writes, 503 (with Retry-After) a write that found the
database too busy. Answers an operation documents itself are kept.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": '{"detail": "…"}',
}
BAD_INPUT = {
    "type": "object",
    "additionalProperties": True,
    "description": '{"field": ["message"]} or {"detail": "…"}; nothing is saved.',
}
WRITES = {"post", "put", "patch", "delete"}


def _answer(description: str, component: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the error answers every operation can give."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("BadInput", BAD_INPUT)
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in WRITES | {"get"}:
                continue
            responses = operation.setdefault("responses", {})
            errors = {
                "400": _answer("输入有误", "BadInput"),
                "401": _answer("未登录或令牌无效", "Error"),
                "403": _answer("无权进行此操作", "Error"),
                "404": _answer("未找到（或不在本政协范围内）", "Error"),
            }
            if method in WRITES:
                errors["409"] = _answer("当前状态不允许此操作，或记录已被他人修改", "Error")
                errors["503"] = _answer("系统繁忙，请稍后重试（见 Retry-After），未保存", "Error")
            for code, answer in errors.items():
                responses.setdefault(code, answer)
    return result


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, but an extra action's list is a plain list unless the view pages it."""

    def _get_paginator(self) -> Any:
        action = getattr(self.view, "action", None)
        if action not in (None, "list", "history") and action not in getattr(self.view, "paged_actions", ()):
            return None
        return super()._get_paginator()


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# extend_schema(responses=…) of the actions that answer a generated document.
DOCX = {(200, DOCX_MIME): OpenApiTypes.BINARY}
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}
DOCX_OR_PDF = {**DOCX, **PDF}
