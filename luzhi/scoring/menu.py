"""This app's entries in the menu: (section title, [(label, url name, icon, rule, action)])."""

from luzhi.core.menu import Section


def sections() -> list[Section]:
    return []
