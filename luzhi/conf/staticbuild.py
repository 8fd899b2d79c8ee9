"""Whether the built stylesheet (frontend/build-css.mjs → var/build/luzhi/app.css) may be used.

It holds only the Bootstrap classes found in the templates, Python and scripts when it was built,
so it is used only while it is newer than all of them; otherwise the pages link the full vendor
stylesheets (always right, only larger) until `make css` runs again.
"""

from __future__ import annotations

import os
from pathlib import Path

SOURCES = ("templates", "luzhi", "static/luzhi")
SUFFIXES = (".html", ".py", ".js", ".css")


def newest_source(base_dir: Path) -> float:
    newest = 0.0
    for top in SOURCES:
        for folder, _dirs, files in os.walk(base_dir / top):
            for name in files:
                if name.endswith(SUFFIXES):
                    newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
    return newest


def bundle_is_current(base_dir: Path, bundle: Path) -> bool:
    try:
        built = bundle.stat().st_mtime
    except OSError:
        return False
    return built >= newest_source(base_dir)
