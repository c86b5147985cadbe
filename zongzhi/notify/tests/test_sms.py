"""The SMS gateways: the log backend, and the HTTP backend against a local fake gateway."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import override_settings

from zongzhi.notify.models import SmsMessage
from zongzhi.notify.sms import send_sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "body": json.loads(body)})
            status = 500 if b"fail" in body else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"{}")

        def do_GET(self) -> None:
            received.append({"path": self.path})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sms/send", received
    server.shutdown()


def test_log_backend_keeps_a_masked_record() -> None:
    record = send_sms("13912345678", "您有新的待办")
    assert record.status == "sent" and record.phone_masked == "139****5678"
    assert not SmsMessage.objects.filter(phone_masked__contains="12345678").exists()


def test_http_backend_posts_the_operators_template(gateway: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = gateway
    template = json.dumps({"mobile": "{phone}", "content": "【综治】{text}", "apikey": "k1"})
    with override_settings(SMS_BACKEND="http", SMS_URL=url, SMS_METHOD="POST", SMS_TEMPLATE=template):
        record = send_sms("13912345678", "您有新的待办")
    assert record.status == "sent"
    assert received == [
        {"path": "/sms/send", "body": {"mobile": "13912345678", "content": "【综治】您有新的待办", "apikey": "k1"}}
    ]


def test_http_backend_get_and_a_failing_gateway(gateway: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = gateway
    with override_settings(SMS_BACKEND="http", SMS_URL=url, SMS_METHOD="GET", SMS_TEMPLATE='{"to": "{phone}"}'):
        assert send_sms("13912345678", "x").status == "sent"
    assert received[-1]["path"] == "/sms/send?to=13912345678"
    with override_settings(SMS_BACKEND="http", SMS_URL=url, SMS_METHOD="POST", SMS_TEMPLATE='{"t": "{text}"}'):
        record = send_sms("13912345678", "fail")
    assert record.status == "failed" and record.error
