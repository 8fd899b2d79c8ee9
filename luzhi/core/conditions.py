"""A `Q` condition evaluated on one loaded object, so a rule written once for SQL serves Python too.

Only what rules need: AND/OR of plain-field lookups (exact, lt, lte, gt, gte, isnull). A NULL
compares as SQL's unknown, so it matches no comparison. Anything else raises, rather than
guessing at SQL's semantics (negation over NULLs, joins, expressions).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db.models import Q

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def q_matches(obj: Any, condition: Q) -> bool:
    """Return whether `obj` satisfies `condition` as the database would."""
    if condition.negated:
        raise ValueError("q_matches does not evaluate negated conditions (SQL's NULL rules differ).")
    results = (
        q_matches(obj, child) if isinstance(child, Q) else _lookup_matches(obj, *cast(Sequence[Any], child))
        for child in condition.children
    )
    return any(results) if condition.connector == Q.OR else all(results)


def _lookup_matches(obj: Any, key: str, expected: Any) -> bool:
    field, _, lookup = key.partition("__")
    lookup = lookup or "exact"
    if "__" in lookup:
        raise ValueError(f"q_matches does not follow relations: {key}")
    value = getattr(obj, field)
    if lookup == "exact" and expected is None:  # Django reads `field=None` as IS NULL
        lookup, expected = "isnull", True
    if lookup == "isnull":
        return (value is None) is bool(expected)
    if lookup not in _COMPARE:
        raise ValueError(f"q_matches does not know the lookup {lookup!r}")
    if value is None or expected is None:
        return False
    return _COMPARE[lookup](value, expected)
