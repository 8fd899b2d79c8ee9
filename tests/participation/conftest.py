"""Fixtures of the participation tests: uploads go to a temporary MEDIA_ROOT."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
