"""Password policy: at least N of the four character classes (等保 password complexity)."""

import re

from django.contrib.auth import hashers as _django_hashers
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


class OneTimePasswordHasher(_django_hashers.PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, for the random one-time passwords of bulk-created accounts only.

    Hashing 600 passwords with the default 1,000,000 rounds takes minutes (≈0.6 s each); these
    passwords are random (≈57 bits), must be changed at the first login, and Django re-hashes them
    with the preferred hasher on that login anyway. Listed after the default in PASSWORD_HASHERS,
    so nothing else ever uses it.
    """

    algorithm = "pbkdf2_sha256_onetime"
    iterations = 10_000
