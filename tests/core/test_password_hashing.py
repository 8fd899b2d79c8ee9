"""Passwords are hashed with Argon2id at OWASP's parameters; older hashes are upgraded at login."""

import re

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import override_settings

from luzhi.accounts.models import User
from luzhi.core.passwords import Argon2idPasswordHasher
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PRODUCTION = [
    "luzhi.core.passwords.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",  # what the test users were made with
    "luzhi.core.passwords.OneTimePasswordHasher",
]
PHC = re.compile(r"^argon2\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43}$")


def test_the_settings_put_argon2id_first():
    from luzhi import settings

    assert settings.PASSWORD_HASHERS[0] == "luzhi.core.passwords.Argon2idPasswordHasher"
    # Django's own Argon2 hasher, at its costlier defaults, would take over the "argon2" hashes.
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" not in settings.PASSWORD_HASHERS


@override_settings(PASSWORD_HASHERS=PRODUCTION)
def test_argon2id_hashes_verify_and_refuse():
    encoded = make_password("Luzhi#2026demo")
    assert PHC.match(encoded), encoded
    assert check_password("Luzhi#2026demo", encoded)
    assert not check_password("Luzhi#2026dem0", encoded)
    assert make_password("Luzhi#2026demo") != encoded  # a new salt each time
    hasher = identify_hasher(encoded)
    assert isinstance(hasher, Argon2idPasswordHasher) and not hasher.must_update(encoded)
    summary = hasher.safe_summary(encoded)
    assert summary["memory cost"] == 19456 and "Luzhi" not in str(summary)
    # Weaker parameters, another variety or a damaged hash: upgraded, or simply refused.
    weaker = encoded.replace("m=19456", "m=8192")
    assert hasher.must_update(weaker) and not check_password("Luzhi#2026demo", weaker)
    assert not check_password("Luzhi#2026demo", encoded.replace("argon2id", "argon2i", 1))
    assert not check_password("Luzhi#2026demo", "argon2$argon2id$garbage")


@override_settings(PASSWORD_HASHERS=PRODUCTION)
def test_an_older_hash_is_upgraded_at_the_next_login(api, committee, make_user):
    user = make_user("member", committee)
    with override_settings(PASSWORD_HASHERS=PRODUCTION[1:]):
        user.set_password(PASSWORD)
        user.save()
    assert User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256$")
    response = api(None).post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.json()
    assert PHC.match(User.objects.get(pk=user.pk).password)
    again = api(None).post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert again.status_code == 200
