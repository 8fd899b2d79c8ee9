"""A client generated from `/api/schema/` (openapi-python-client, offline) has every operation, and no warning.

openapi-python-client drops an operation it cannot read (a path parameter the path does not have,
say) with only a warning; a client generated in CI would then silently lack it. The generator is a
dev dependency and runs here in a temporary directory, its formatter hooks off (they change no
operation). Documents (docx, xlsx, pdf) are read as the binary answers they are.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from luzhi.core.schema import DOCX_MIME

pytestmark = pytest.mark.django_db

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIG = {
    "post_hooks": [],
    "content_type_overrides": {mime: "application/octet-stream" for mime in (DOCX_MIME, XLSX_MIME, "application/pdf")},
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def test_a_generated_client_has_every_operation_and_no_warning(users, client, tmp_path: Path):
    client.force_login(users["member"])
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    operations = [(m, p) for p, item in schema["paths"].items() for m in item if m in METHODS]
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "config.json").write_text(json.dumps(CONFIG), encoding="utf-8")
    generator = Path(sys.executable).with_name("openapi-python-client")
    run = subprocess.run(
        [generator, "generate", "--path", "schema.json", "--config", "config.json", "--meta", "none"]
        + ["--output-path", "client"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "warning" not in output.lower(), output
    generated = [p for p in (tmp_path / "client" / "api").rglob("*.py") if p.name != "__init__.py"]
    assert len(generated) == len(operations), output
    assert len(operations) > 200  # the whole API, not an empty schema
