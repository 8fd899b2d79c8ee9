"""Menu entries are declared by each domain app in its menu.py and gathered here in app order."""

from __future__ import annotations

from luzhi.core.permissions import Rule
from luzhi.core.registry import app_modules

# (label, url name, bootstrap icon, rule, "read" | "write")
Entry = tuple[str, str, str, Rule, str]
Section = tuple[str, list[Entry]]


def all_sections() -> list[Section]:
    """Every app's sections, in the order of settings.LUZHI_DOMAIN_APPS."""
    return [section for module in app_modules("menu") for section in module.sections()]
