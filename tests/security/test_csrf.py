"""CSRF: every page form carries the token, and every page and the session API refuse a post without it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.security.test_every_url_needs_login import all_paths

pytestmark = pytest.mark.django_db

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
POST = re.compile(r"""method\s*=\s*["']?post""", re.I)


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted([*root.glob("luzhi/*/templates/**/*.html"), *root.glob("templates/**/*.html")])


def test_every_post_form_in_a_template_has_the_csrf_token():
    missing, forms = [], 0
    for path in _templates():
        for form in FORM.findall(path.read_text()):
            opening = form[: form.index(">") + 1]
            if not POST.search(opening) and "hx-post" not in opening:
                continue
            forms += 1
            if "{% csrf_token %}" not in form:
                missing.append(f"{path.relative_to(settings.BASE_DIR)}: {opening}")
    assert forms > 30  # the scan really found the forms
    assert missing == []


def test_htmx_requests_send_the_token_from_the_base_page():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text()
    assert """hx-headers='{"X-CSRFToken": "{{ csrf_token }}"}'""" in base


def page_paths() -> list[str]:
    return [p for p in all_paths() if not p.startswith(("/api/", "/media/"))] + ["/login/", "/logout/"]


@pytest.mark.parametrize("path", page_paths())
def test_a_page_post_without_the_token_is_refused(users, path):
    client = Client(enforce_csrf_checks=True)
    if path != "/login/":
        client.force_login(users["office"])
    response = client.post(path, {"name": "x", "title": "x"})
    assert response.status_code == 403, f"{path} answered {response.status_code}"


def test_the_same_post_with_the_token_gets_through_the_check(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["office"])
    client.get("/org/party/new/")
    token = client.cookies["csrftoken"].value
    response = client.post("/org/party/new/", {"csrfmiddlewaretoken": token, "name": ""})
    assert response.status_code in (200, 302)  # the form's own answer, not the CSRF refusal


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "/api/v1/proposals/"),
        ("post", "/api/v1/members/"),
        ("patch", "/api/v1/security-settings/"),
        ("post", "/api/v1/activities/"),
    ],
)
def test_the_api_with_a_session_needs_the_token_too(users, method, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["office"])
    response = getattr(client, method)(path, "{}", content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
