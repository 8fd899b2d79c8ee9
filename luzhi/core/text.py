"""Names as people read them: one NFKC form, no invisible characters, and look-alikes found.

Every name of a person or an organisation (members, guests, committees, units, sectors …)
is a `NameField`, so the roster import, the pages and the API all store the same clean form
and the duplicate checks compare what readers see. Usernames are cleaned the same way and
compared by their confusable skeleton (Unicode TR39), so `оffice` (Cyrillic о) or `Office`
cannot sit beside `office`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.db import models
from pypinyin import lazy_pinyin

# Control, format (zero-width space and joiner, bidi overrides, BOM), private-use and surrogate
# characters, and line/paragraph separators: none belongs in a name, most are invisible.
# Unassigned code points (Cn) stay allowed: rare characters of Chinese names (生僻字) may be
# newer than this Python's Unicode tables.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def clean_name(value: str) -> str:
    """Return the name NFKC-normalised and trimmed; refuse it if it holds an invisible or control character."""
    normalised = unicodedata.normalize("NFKC", value).strip()
    for char in normalised:
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            raise ValidationError(
                "不能含有不可见字符或控制字符（如零宽字符、文字方向控制符）：U+%(code)04X。",
                code="invisible_character",
                params={"code": ord(char)},
            )
    return normalised


if TYPE_CHECKING:  # the stubs' fields are generic (set type, get type); Django's are not subscriptable
    _CharField = models.CharField[str, str]
else:
    _CharField = models.CharField


class NameField(_CharField):
    """A name of a person or an organisation, stored in its clean form (see `clean_name`)."""

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        if isinstance(value, str):
            value = clean_name(value)
        return super().clean(value, model_instance)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        # Migrations see a plain CharField: the cleaning changes nothing in the database.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character → one representative of the characters it can be mistaken for."""
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for char, homoglyphs in confusables.confusables_data.items():
        for homoglyph in homoglyphs:
            other = homoglyph["c"]
            if len(other) == 1 and root(char) != root(other):
                parent[root(char)] = root(other)
    groups: dict[str, list[str]] = {}
    for char in confusables.confusables_data:
        groups.setdefault(root(char), []).append(char)
    prototypes = {}
    for members in groups.values():
        # A lower-case ASCII letter represents its group where there is one ("l" for 1, I, l),
        # else the group's first character folded ("o" for 0, O), so that folding comes out the same.
        best = min(members, key=lambda c: (not (c.isascii() and c.islower()), not c.isascii(), not c.isalpha(), c))
        for char in members:
            prototypes[char] = best.casefold()
    return prototypes


def skeleton(value: str) -> str:
    """Return the form two look-alike strings share: NFKC, each confusable character replaced, case-folded."""
    prototypes = _prototypes()
    return "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFKC", value)).casefold()


def look_alike_keys(value: str) -> set[str]:
    """Return the keys under which a username can be mistaken: its skeleton as typed and as case-folded."""
    return {skeleton(value), skeleton(value.casefold())}


def pinyin_key(text: str) -> tuple[str, str]:
    """How Chinese names sort in lists: by their toneless pinyin (张 before 周), then by the characters."""
    return (" ".join(lazy_pinyin(text)).lower(), text)
