"""Every page and every endpoint sits behind login — checked over the whole URL map."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Logging in: the password form and token, and by a texted code (requesting it, logging in, resetting).
OPEN = {
    "healthz",
    "login/",
    "login/sms/",
    "login/reset/",
    "api/v1/auth/token/",
    "api/v1/auth/sms-code/",
    "api/v1/auth/password-reset/",
    # The user guide (使用指南): no committee data, and the login pages link it.
    "help/",
    "help/x/",
}
SKIP_PREFIXES = ("static/", "media/", "admin/")  # the admin has its own login page; tested elsewhere


def _concrete(route: str) -> str | None:
    route = route.replace("^", "").replace("$", "").replace("\\Z", "")
    if "(?P<format>" in route or "<path:" in route or "format_suffix" in route:
        return None
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str|slug):\w+>", "x", route)
    # A group of named alternatives (?P<step>adopt|forward) takes the first; any other group a number.
    route = re.sub(r"\(\?P<\w+>([a-z]+)(?:\|[a-z|]+)?\)", r"\1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return route.replace("\\.", ".").replace("\\", "")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def all_paths() -> list[str]:
    paths = set()
    for route in _walk(get_resolver().url_patterns):
        concrete = _concrete(route)
        if concrete is None or concrete.startswith(SKIP_PREFIXES) or concrete in OPEN:
            continue
        paths.add("/" + re.sub(r"/+", "/", concrete))
    return sorted(paths)


def test_the_url_map_is_walked():
    paths = all_paths()
    assert "/" in paths and "/org/members/" in paths and "/api/v1/members/" in paths
    assert len(paths) > 40


@pytest.mark.parametrize("path", all_paths())
def test_anonymous_requests_are_refused(client, path):
    response = client.get(path)
    if path.startswith(("/api/v1/", "/api/schema/")):
        assert response.status_code == 401, f"{path} answered {response.status_code}"
    else:
        assert response.status_code == 302, f"{path} answered {response.status_code}"
        assert response["Location"].startswith("/login/")
