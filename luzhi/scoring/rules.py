"""The codes of a scoring rule set (API.md "Study log and scoring"), the default set and its validation."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

LEVELS = ("county", "city", "province", "national")
LEVEL_NAMES = ("县级", "市级", "省级", "全国")

CODES: dict[str, str] = {
    "attend_plenary": "出席全体会议（每天）",
    "attend_standing": "出席常委会会议",
    "attend_other": "参加其他履职活动",
    "leave": "请假",
    "absent": "缺席",
    "speech": "大会发言",
    "proposal_lead": "提案立案（第一提案人）",
    "proposal_cosign": "提案立案（联名）",
    "proposal_key": "重点提案",
    **{f"opinion_adopted_{lv}": f"社情民意被{name}采用" for lv, name in zip(LEVELS, LEVEL_NAMES, strict=True)},
    **{f"instruction_{lv}": f"获{name}领导批示" for lv, name in zip(LEVELS, LEVEL_NAMES, strict=True)},
    "research_day": "参加调研（每天）",
    "reading": "读书学习记录",
    "grassroots_responded": "民情记录得到回应",
}
# Not a rule code: an office's correction after an appeal, shown in the ledger, never capped.
ADJUSTMENT = "adjustment"
LABELS = {**CODES, ADJUSTMENT: "申诉调整"}

GRADES = ("excellent", "qualified", "basic")
GRADE_LABELS = {"excellent": "优秀", "qualified": "合格", "basic": "基本合格", "unqualified": "不合格"}

DEFAULT_ITEMS: list[dict[str, Any]] = [
    {"code": "attend_plenary", "points": 5},
    {"code": "attend_standing", "points": 3},
    {"code": "attend_other", "points": 2, "cap": 20},
    {"code": "leave", "points": 0},
    {"code": "absent", "points": -5},
    {"code": "speech", "points": 3},
    {"code": "proposal_lead", "points": 10},
    {"code": "proposal_cosign", "points": 3},
    {"code": "proposal_key", "points": 5},
    *({"code": f"opinion_adopted_{lv}", "points": p} for lv, p in zip(LEVELS, (3, 5, 10, 20), strict=False)),
    *({"code": f"instruction_{lv}", "points": p} for lv, p in zip(LEVELS, (5, 8, 12, 20), strict=False)),
    {"code": "research_day", "points": 1, "cap": 15},
    {"code": "reading", "points": 0.5, "cap": 10},
    {"code": "grassroots_responded", "points": 1, "cap": 10},
]
# Published practice caps accepted proposals "25 together": one cap over the sum of both codes.
DEFAULT_SHARED_CAPS: list[dict[str, Any]] = [{"codes": ["proposal_lead", "proposal_cosign"], "cap": 25}]
DEFAULT_GRADES = {"excellent": 90, "qualified": 60, "basic": 40}
# 委员进出机制: plenary absences without leave within a term; 不合格; nothing accepted or adopted in the year.
DEFAULT_WARNINGS = {"plenary_absences": 2, "unqualified": True, "no_output": True}

MAX_POINTS = Decimal(1000)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or abs(number) > MAX_POINTS:
        return None
    return number


def clean_items(items: Any) -> list[str]:
    """Return what is wrong with a list of {code, points, cap?} (empty when it is fine)."""
    if not isinstance(items, list) or not items:
        return ['细则应为至少一项的列表：[{"code", "points", "cap"?}]。']
    errors, seen = [], set()
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(f"第{n}项应为对象。")
            continue
        code = item.get("code")
        if code not in CODES:
            errors.append(f"第{n}项：未知的计分代码“{code}”，可用代码：{', '.join(CODES)}。")
        elif code in seen:
            errors.append(f"第{n}项：计分代码“{code}”重复。")
        seen.add(code)
        if _number(item.get("points")) is None:
            errors.append(f"第{n}项：分值应为 -1000 到 1000 之间的数。")
        cap = item.get("cap")
        if cap is not None and ((c := _number(cap)) is None or c <= 0):
            errors.append(f"第{n}项：上限应为正数。")
        if set(item) - {"code", "points", "cap"}:
            errors.append(f"第{n}项：只能有 code、points、cap。")
    return errors


def clean_grades(grades: Any) -> list[str]:
    """Return what is wrong with {excellent, qualified, basic} lower bounds (must fall in that order)."""
    if not isinstance(grades, dict) or set(grades) != set(GRADES):
        return ['等次应为 {"excellent", "qualified", "basic"} 三个下限分数。']
    values = [_number(grades[g]) for g in GRADES]
    if any(v is None for v in values):
        return ["等次下限应为数。"]
    excellent, qualified, basic = (v for v in values if v is not None)  # all three, checked above
    if not excellent > qualified > basic:
        return ["等次下限须依次递减：优秀 > 合格 > 基本合格。"]
    return []


def clean_shared_caps(shared: Any, items: Any) -> list[str]:
    """Return what is wrong with [{codes: [...], cap}] — each code in at most one group and in the items."""
    if shared in (None, []):
        return []
    if not isinstance(shared, list):
        return ['合并上限应为列表：[{"codes": [...], "cap"}]。']
    item_codes = {i.get("code") for i in items if isinstance(i, dict)} if isinstance(items, list) else set()
    errors, used = [], set()
    for n, group in enumerate(shared, start=1):
        if not isinstance(group, dict) or not isinstance(group.get("codes"), list) or len(group["codes"]) < 2:
            errors.append(f"第{n}组：应为至少两个计分代码和一个上限。")
            continue
        for code in group["codes"]:
            if code not in item_codes:
                errors.append(f"第{n}组：计分代码“{code}”不在细则中。")
            elif code in used:
                errors.append(f"第{n}组：计分代码“{code}”已在另一组中。")
            used.add(code)
        if (c := _number(group.get("cap"))) is None or c <= 0:
            errors.append(f"第{n}组：上限应为正数。")
    return errors


def clean_warnings(warnings: Any) -> list[str]:
    """Return what is wrong with the exit-warning settings."""
    if not isinstance(warnings, dict) or set(warnings) - set(DEFAULT_WARNINGS):
        return [f"预警设置只能有：{', '.join(DEFAULT_WARNINGS)}。"]
    errors = []
    absences = warnings.get("plenary_absences", 0)
    if isinstance(absences, bool) or not isinstance(absences, int) or not 0 <= absences <= 100:
        errors.append("plenary_absences 应为 0（不预警）到 100 的整数。")
    for name in ("unqualified", "no_output"):
        if not isinstance(warnings.get(name, False), bool):
            errors.append(f"{name} 应为 true 或 false。")
    return errors


def validate_rule_set(*, items: Any, grades: Any, shared_caps: Any, warnings: Any) -> None:
    """Raise ValidationError naming each bad part of a rule set."""
    errors = {
        "items": clean_items(items),
        "grades": clean_grades(grades),
        "shared_caps": clean_shared_caps(shared_caps, items),
        "warnings": clean_warnings(warnings),
    }
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)
