"""A local HTTP server that plays 企业微信, 钉钉 and group robots; helpers that run the sweep."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from luzhi.core import sms


class Provider:
    """What the fake provider received, and what it answers (path → JSON answer, else errcode 0)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.answers: dict[str, Any] = {}
        self.status = 200
        self.url = ""

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.received if r["path"] == path]


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body: Any) -> None:
            parts = urlsplit(self.path)
            provider.received.append({"path": parts.path, "query": parse_qs(parts.query), "json": body})
            answer = provider.answers.get(parts.path)
            if answer is None and parts.path.endswith("gettoken"):
                answer = {"errcode": 0, "access_token": "TOKEN", "expires_in": 7200}
            raw = json.dumps(answer if answer is not None else {"errcode": 0, "errmsg": "ok"}).encode()
            self.send_response(provider.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self._answer(None)

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            self._answer(json.loads(self.rfile.read(length) or b"null"))

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def provider() -> Iterator[Provider]:
    played = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(played))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    played.url = f"http://127.0.0.1:{server.server_port}"
    yield played
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms_outbox(settings: Any) -> list[dict[str, Any]]:
    settings.LUZHI_SMS_BACKEND = "locmem"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture
def im(settings: Any, provider: Provider) -> Provider:
    """企业微信 and 钉钉 configured, both played by the local provider."""
    settings.LUZHI_WECOM_CORP_ID = "corp"
    settings.LUZHI_WECOM_SECRET = "secret"
    settings.LUZHI_WECOM_AGENT_ID = "1000002"
    settings.LUZHI_WECOM_BASE_URL = provider.url
    settings.LUZHI_DINGTALK_APP_KEY = "key"
    settings.LUZHI_DINGTALK_APP_SECRET = "secret"
    settings.LUZHI_DINGTALK_AGENT_ID = "2000003"
    settings.LUZHI_DINGTALK_BASE_URL = provider.url
    return provider
