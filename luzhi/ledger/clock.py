"""Today's date in the committee's time zone — one function, so tests can move "today"."""

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
