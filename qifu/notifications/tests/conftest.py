"""Fixtures for notification tests: registered test messages and a real local webhook server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils.translation import gettext_lazy as _

from qifu.core import notify

# English msgids with parameters; "At most %(n)d characters." already has a Chinese translation.
notify.register("test.greeting", _("Hello %(name)s"), _("Something happened at %(name)s."))
notify.register("test.limit", _("At most %(n)d characters."))

ROBOT_OK = (200, b'{"errcode":0,"errmsg":"ok"}')


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class WebhookServer:
    """Records every POST; answers with the queued (status, body) pairs, then with ``default``."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    default: tuple[int, bytes] = ROBOT_OK


@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    recorder = WebhookServer()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path)
            with lock:
                recorder.requests.append(
                    Received(parts.path, dict(parse_qsl(parts.query)), dict(self.headers.items()), body)
                )
                status, answer = recorder.answers.pop(0) if recorder.answers else recorder.default
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def base_url(settings: Any) -> str:
    settings.QIFU_BASE_URL = "https://qifu.example.cn"
    return "https://qifu.example.cn"
