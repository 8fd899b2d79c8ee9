"""Personal data never reaches a log (个人信息保护法): mobile numbers and ID-card numbers are masked.

`PersonalDataFilter` sits on every handler of LOGGING (luzhi/conf/security.py puts it there),
so it also sees records that propagate from any logger, Django's request warnings included.
`mask_personal` is the same rule for any text, used where personal data is shown to a role
that may not read it in full (the audit log).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

# Mainland mobile numbers (optionally +86 / 86 prefixed), not inside a longer digit run.
_PHONE = re.compile(r"(?<![\d])((?:\+?86[- ]?)?)(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# Resident ID numbers: 18 characters with a plausible birth date (and the old 15-digit form).
_ID18 = re.compile(
    r"(?<![\dA-Za-z])(\d{6})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[\dXx])(?![\dA-Za-z])"
)
_ID15 = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})(?![\dA-Za-z])")

# Fields that hold personal data wherever they occur (the member roster's phone and birth date).
PERSONAL_FIELDS = frozenset({"phone", "birth_date", "id_number"})


def mask_personal(text: str) -> str:
    """`text` with every mobile number as 138****5678 and every ID number as 110105********123X."""
    text = _ID18.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(3)}", text)
    text = _ID15.sub(lambda m: f"{m.group(1)}{'*' * 6}{m.group(3)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(4)}", text)


def mask_field(name: str, value: Any) -> Any:
    """A value as a role without the personal-data right may see it: birth dates keep only the year."""
    if value in (None, ""):
        return value
    if name == "birth_date":
        year = value.year if isinstance(value, date) else str(value)[:4]
        return f"{year}-**-**"
    if name in PERSONAL_FIELDS:
        text = str(value)
        return f"{text[:3]}****{text[-4:]}" if len(text) >= 7 else "****"
    return mask_personal(value) if isinstance(value, str) else value


class PersonalDataFilter(logging.Filter):
    """Rewrite each record's message (and traceback) with personal data masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record as logging would show it
            return True
        masked = mask_personal(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True
