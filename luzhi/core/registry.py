"""The domain apps' extension modules (menu.py, api.py, demo.py), found in settings order."""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.conf import settings


def app_modules(submodule: str) -> list[ModuleType]:
    """Import `<app>.<submodule>` of every domain app that has one (import errors are not hidden)."""
    return [
        import_module(f"{app}.{submodule}")
        for app in settings.LUZHI_DOMAIN_APPS
        if find_spec(f"{app}.{submodule}") is not None
    ]
