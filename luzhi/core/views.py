import sys

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from luzhi.core.errors import BUSY_MESSAGE, BUSY_RETRY_AFTER, is_database_busy


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for the proxy and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any database failure is reported, not raised
        database = "error"
    return JsonResponse(
        {"status": "ok" if database == "ok" else "error", "database": database},
        status=200 if database == "ok" else 503,
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page; under /api/ (an id no route takes, such as `/api/v1/proposals/abc/`) API.md's JSON."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; a write that lost the race for the database lock is 503 "busy, retry" instead.

    Django calls this for any exception no view or middleware handled (the API's own handler has
    already answered busy errors raised inside DRF views), so a session save that meets a locked
    database is covered too.
    """
    if not is_database_busy(sys.exc_info()[1]):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": BUSY_MESSAGE}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response
