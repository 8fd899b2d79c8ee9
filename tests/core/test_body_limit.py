import json

import pytest

pytestmark = pytest.mark.django_db


def test_a_json_body_over_the_limit_is_refused_unparsed(api, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    body = json.dumps({"name": "界" * 1024 * 1024})
    response = api(users["office"]).generic("POST", "/api/v1/sectors/", body, content_type="application/json")
    assert response.status_code == 400
    assert "超过" in response.json()["detail"]


def test_a_json_body_under_the_limit_is_parsed(api, users):
    response = api(users["office"]).post("/api/v1/sectors/", {"name": "教育界"}, format="json")
    assert response.status_code == 201
