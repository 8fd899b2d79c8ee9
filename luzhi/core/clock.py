"""Today's date in the committee's time zone — one function, so tests can move "today".

Call it as `clock.today()` (import the module, not the name), so that a test patching
`luzhi.core.clock.today` moves today for every caller.
"""

from datetime import date

from django.utils import timezone


def today() -> date:
    """Return today's date in the committee's time zone."""
    return timezone.localdate()
