"""Password policy (等保 password complexity) and the password hashers: Argon2id first, a cheap one-time one."""

import base64
import hmac
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


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


class Argon2idPasswordHasher(_django_hashers.BasePasswordHasher):
    """Argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane): ~35 ms of one core, not PBKDF2's ~300 ms.

    A hall of 800 members logging in within a minute on two cores cannot afford PBKDF2's million
    rounds (800 × 0.3 s = 240 s of CPU); memory-hard Argon2id is at least as strong against GPU
    guessing at a tenth of the CPU. Computed by `cryptography` (already a dependency, via OpenSSL),
    so no argon2-cffi; the hashes are in Django's Argon2PasswordHasher format, which argon2-cffi
    reads. Older hashes (PBKDF2, the one-time hasher) are upgraded at the next successful login.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
    hash_len = 32

    def _derive(
        self, password: str, salt: bytes, *, time_cost: int, memory_cost: int, parallelism: int, length: int
    ) -> bytes:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        kdf = Argon2id(salt=salt, length=length, iterations=time_cost, lanes=parallelism, memory_cost=memory_cost)
        return kdf.derive(password.encode())

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = self._derive(
            password,
            salt.encode(),
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            length=self.hash_len,
        )
        params = f"m={self.memory_cost},t={self.time_cost},p={self.parallelism}"
        return f"{self.algorithm}$argon2id$v=19${params}${_b64(salt.encode())}${_b64(digest)}"

    def decode(self, encoded: str) -> dict:
        algorithm, variety, version, params, salt, digest = encoded.split("$")
        assert algorithm == self.algorithm
        options = dict(part.split("=", 1) for part in params.split(","))
        return {
            "algorithm": algorithm,
            "variety": variety,
            "version": int(version.removeprefix("v=")),
            "memory_cost": int(options["m"]),
            "time_cost": int(options["t"]),
            "parallelism": int(options["p"]),
            "salt": _unb64(salt).decode("latin1"),
            "hash": digest,
        }

    def verify(self, password: str, encoded: str) -> bool:
        try:
            decoded = self.decode(encoded)
        except (AssertionError, ValueError, KeyError):
            return False
        if decoded["variety"] != "argon2id" or decoded["version"] != 19:
            return False
        expected = _unb64(decoded["hash"])
        digest = self._derive(
            password,
            decoded["salt"].encode("latin1"),
            time_cost=decoded["time_cost"],
            memory_cost=decoded["memory_cost"],
            parallelism=decoded["parallelism"],
            length=len(expected),
        )
        return hmac.compare_digest(digest, expected)

    def must_update(self, encoded: str) -> bool:
        try:
            decoded = self.decode(encoded)
        except (AssertionError, ValueError, KeyError):
            return True  # Django asks even when the password did not match; a damaged hash is never kept
        current = (decoded["variety"], decoded["memory_cost"], decoded["time_cost"], decoded["parallelism"])
        return current != ("argon2id", self.memory_cost, self.time_cost, self.parallelism)

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass  # every hash of this hasher costs the same; an older-parameter one is upgraded at login

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "variety": decoded["variety"],
            "memory cost": decoded["memory_cost"],
            "time cost": decoded["time_cost"],
            "parallelism": decoded["parallelism"],
            "salt": _django_hashers.mask_hash(decoded["salt"]),
            "hash": _django_hashers.mask_hash(decoded["hash"]),
        }
