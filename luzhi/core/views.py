from django.db import connection
from django.http import HttpRequest, JsonResponse


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
