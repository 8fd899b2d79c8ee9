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
        # A page that is not a positive number is bad input (400); one past the last page is 404.
        page = request.query_params.get(self.page_query_param)
        if page not in (None, "", "last") and not (page.isascii() and page.isdigit() and 0 < int(page) < 10**9):
            raise exceptions.ValidationError({"page": ["页码应为正整数。"]})
        return super().paginate_queryset(queryset, request, view)
