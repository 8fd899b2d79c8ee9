"""WhiteNoise, with the static files found by the finders indexed once per process.

WhiteNoise's middleware walks every finder (Luzhi's static folders and the npm packages' dist
folders, some 300 files) and stats each file whenever it is constructed. A server constructs it
once, but Django's test client constructs the middleware chain for every client, which cost the
suite ~75 ms a client, thousands of times. The index depends only on the files and on settings
that a process does not change, so it is kept per process, keyed by those settings. With
autorefresh (DEBUG) WhiteNoise looks files up per request and nothing is kept.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    _found: ClassVar[dict[tuple[Any, ...], dict[str, Any]]] = {}

    def add_files_from_finders(self) -> None:
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            repr(settings.STATICFILES_DIRS),
            tuple(settings.STATICFILES_FINDERS),
        )
        found = self._found.get(key)
        if found is None:
            before = self.files
            self.files: dict[str, Any] = {}
            super().add_files_from_finders()
            found = self._found[key] = self.files
            self.files = before
        self.files.update(found)
