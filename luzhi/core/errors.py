"""The error types that services raise and both front doors translate."""

from django.db import OperationalError


class WorkflowError(Exception):
    """A step not allowed from the current status: 409 on the API, a message on pages."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


BUSY_MESSAGE = "系统繁忙，请稍后重试。"
# Seconds a client is told to wait (Retry-After) when the database was too busy to take its write.
BUSY_RETRY_AFTER = 5
# PostgreSQL's "try again" states: serialization failure, deadlock, lock not available.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_database_busy(error: BaseException | None) -> bool:
    """Whether the error is a write that lost a race for a lock, which the same request could win later."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    # SQLite: "database is locked" (busy timeout ran out), "database table is locked" (shared cache).
    return str(error).startswith(("database is locked", "database table is locked"))
