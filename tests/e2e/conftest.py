"""Fixtures for the browser tests: a real server with the demo data, and headless Chromium.

The server is gunicorn on a free port with a SQLite file in a temporary folder; screenshots go
to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DIST = ROOT / "frontend" / "dist" / "index.html"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian chromium is not installed"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: Any) -> Iterator[str]:
    assert DIST.exists(), "the front end is not built (make frontend)"
    data = tmp_path_factory.mktemp("zongzhi")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({"ZONGZHI_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "zongzhi.settings"})
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env, cwd=ROOT)
    subprocess.run([*manage, "demo"], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "python:zongzhi.gunicorn_config",
            "zongzhi.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


PASSWORD = "Zongzhi@2026"

# The TOTP secrets the administrators bound during this session's server, by username: the
# first login binds one (the server asks for it), later logins type a code from it.
TOTP_SECRETS: dict[str, str] = {}
_USED_STEP: dict[str, int] = {}


def totp_now(secret: str) -> str:
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(totp(key)).zfill(6)


def fresh_code(username: str) -> str:
    """A code of a 30-second step not used yet: django-otp refuses a step's code twice."""
    while int(time.time()) // 30 == _USED_STEP.get(username):
        time.sleep(0.5)
    _USED_STEP[username] = int(time.time()) // 30
    return totp_now(TOTP_SECRETS[username])


def admin_login(page: Any, base: str, username: str) -> None:
    """Log an administrator in on `page`, binding the TOTP at the first login of the session."""
    page.goto(base + "/login")
    page.fill("input[autocomplete=username]", username)
    page.fill("input[type=password]", PASSWORD)
    page.click("button[type=submit]")
    code = page.locator("input[autocomplete=one-time-code]")
    code.wait_for(timeout=15000)
    if page.locator(".zz-qr").count():  # the binding step: its secret arrives a moment later
        secret = page.locator(".zz-secret .zz-mono")
        secret.wait_for(timeout=15000)
        TOTP_SECRETS[username] = secret.inner_text().strip()
    assert username in TOTP_SECRETS, f"{username} bound a TOTP outside admin_login: its secret is unknown"
    code.fill(fresh_code(username))
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u, timeout=15000)


def admin_console(browser: Any, base: str, username: str) -> tuple[Any, Any]:
    """A 1440x900 console context with an administrator logged in."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    admin_login(page, base, username)
    return ctx, page


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot to test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def go_offline(ctx: Any, page: Any) -> None:
    """Cut the phone's signal and wait until the page's own requests really fail.

    Chromium applies the emulated offline state to a page controlled by a service worker a moment
    after `set_offline` returns: a send started at once can still reach the server (seen in CI).
    """
    ctx.set_offline(True)
    probe = "() => fetch('/healthz', {cache: 'no-store'}).then(() => false, () => true)"
    for _ in range(100):
        if page.evaluate(probe):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page still reaches the server after set_offline(True)")
