"""Password policy (等保 password complexity) and the password hashers: Argon2id first, a cheap one-time one."""

import re
from typing import Any

from django.contrib.auth import hashers as _django_hashers
from django.contrib.auth import password_validation as _django_validation
from django.core.exceptions import ValidationError

_CLASSES = [re.compile(p) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")]


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
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


class Argon2idPasswordHasher(_django_hashers.Argon2PasswordHasher):
    """Django's Argon2id hasher (argon2-cffi) at OWASP's parameters: 19 MiB, 2 passes, 1 lane.

    About 50 ms of one core a login, where PBKDF2's million rounds cost ~250 ms: a hall of 800
    members logging in within a minute on two cores cannot afford PBKDF2 (800 × 0.25 s = 200 s of
    CPU), and memory-hard Argon2id is at least as strong against GPU guessing. Django's defaults
    (100 MiB, 8 lanes) would cost more memory per login than a hall can share. Older hashes
    (PBKDF2, another cost, the one-time hasher) are upgraded at the next successful login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def verify(self, password: str, encoded: str) -> bool:
        """A damaged hash refuses the password instead of raising (Django lets argon2's InvalidHashError out)."""
        from argon2.exceptions import InvalidHashError

        try:
            return super().verify(password, encoded)
        except (InvalidHashError, ValueError):
            return False

    def must_update(self, encoded: str) -> bool:
        from argon2.exceptions import InvalidHashError

        try:
            return super().must_update(encoded)
        except (InvalidHashError, ValueError):
            return False  # a damaged hash verifies nothing; nothing to upgrade
