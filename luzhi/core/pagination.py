"""API.md's list convention: ?page=&page_size= (at most 200)."""

from typing import Any

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise
        except (ValueError, TypeError) as exc:
            raise exceptions.ValidationError({"page": ["页码无效。"]}) from exc
