"""Security headers on pages, API responses and the login page; the CSP allows no inline code."""

import pytest
from django.test import override_settings

from luzhi.conf import security

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _assert_headers(response) -> None:
    for header, value in EXPECTED.items():
        assert response.get(header) == value, f"{header}: {response.get(header)!r}"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


@pytest.mark.parametrize("path", ["/", "/org/members/", "/proposals/", "/activities/", "/ledger/"])
def test_pages_carry_the_security_headers(client, users, path):
    client.force_login(users["office"])
    response = client.get(path)
    assert response.status_code == 200
    _assert_headers(response)


@pytest.mark.parametrize("path", ["/api/v1/members/", "/api/v1/me/", "/api/v1/members/?format=xlsx"])
def test_api_responses_carry_the_security_headers(api, users, path):
    response = api(users["office"]).get(path)
    assert response.status_code == 200
    _assert_headers(response)


def test_login_page_redirects_errors_and_anonymous_api_carry_them_too(client, api, users):
    _assert_headers(client.get("/login/"))
    _assert_headers(client.get("/proposals/"))  # the redirect to login
    _assert_headers(api(None).get("/api/v1/members/"))
    client.force_login(users["office"])
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    _assert_headers(missing)


def test_the_api_docs_page_alone_may_use_inline_styles_but_no_inline_script(client, users):
    client.force_login(users["office"])
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]
    assert b"<script>" not in response.content  # the split view loads its start-up script as a file
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_no_template_has_inline_script_handlers_or_style():
    """What the policy refuses must not be in the templates (data blocks are allowed)."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = []
    templates = [p for p in root.glob("luzhi/*/templates/**/*.html")] + list(root.glob("templates/**/*.html"))
    assert len(templates) > 50
    for path in templates:
        if path.name == "document.html":  # rendered to PDF by WeasyPrint, never served to a browser
            continue
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            offenders.append(f"{path.name}: {match.group(0)}")
        for match in re.finditer(r"\s(on[a-z]+|style|hx-on[:\w-]*)\s*=", text):
            offenders.append(f"{path.name}: {match.group(0).strip()}")
        if "javascript:" in text:
            offenders.append(f"{path.name}: javascript: URL")
        # htmx runs with allowEval false: no hx-vars, no js: values, no [filter] in a trigger.
        for match in re.finditer(r"hx-vars|hx-(?:vals|headers)=[\"']js:|hx-trigger=\"[^\"]*\[", text):
            offenders.append(f"{path.name}: {match.group(0)} needs eval")
    assert offenders == []


def test_htmx_is_told_to_inject_no_style_and_run_no_eval():
    from pathlib import Path

    from django.conf import settings

    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in base


def test_cookies_and_hsts_default_for_plain_http_intranets(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SECURE_HSTS_SECONDS == 0
    assert settings.SECURE_SSL_REDIRECT is False


def test_https_deployments_switch_on_hsts_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("LUZHI_SECURE_COOKIES", "1")
    monkeypatch.setenv("LUZHI_HSTS_SECONDS", "31536000")
    monkeypatch.setenv("LUZHI_HSTS_INCLUDE_SUBDOMAINS", "1")
    namespace = {"REST_FRAMEWORK": {}}
    security.apply(namespace)
    assert namespace["SESSION_COOKIE_SECURE"] is True and namespace["CSRF_COOKIE_SECURE"] is True
    assert namespace["SECURE_HSTS_SECONDS"] == 31536000
    assert namespace["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert "SECURE_PROXY_SSL_HEADER" not in namespace  # gunicorn decides the scheme from the trusted proxy


def test_hsts_header_is_sent_over_https_when_configured(client, users):
    client.force_login(users["office"])
    with override_settings(SECURE_HSTS_SECONDS=3600):
        response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600"


def test_a_bad_trusted_proxy_entry_stops_start_up():
    with pytest.raises(ValueError, match="LUZHI_TRUSTED_PROXIES"):
        security.trusted_proxies("10.0.0.1, nginx.local")
