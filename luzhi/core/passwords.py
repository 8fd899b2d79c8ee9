"""Password policy: at least N of the four character classes (等保 password complexity)."""

import re

from django.contrib.auth import password_validation as _django_validation
from django.core.exceptions import ValidationError

_CLASSES = [re.compile(p) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")]


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if sum(1 for c in _CLASSES if c.search(password)) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。"


class MinimumLengthValidator(_django_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message: Django 5.2 changed the text and its Chinese
    catalogue has no translation of the new one, so pages and the API answered in English."""

    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
