"""Headless-Chromium smoke test against a real server with the demo data.

Starts the application (gunicorn, SQLite file in a temporary folder), logs in on the console,
opens the unit tree and the grid map, and logs in on the phone pages; screenshots are written
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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian chromium is not installed"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
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
        [str(gunicorn), "zongzhi.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"],
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


@pytest.fixture(scope="module")
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


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_console_login_layout_and_unit_map(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    requests_outside: list[str] = []
    page.on("request", lambda r: requests_outside.append(r.url) if not r.url.startswith(server) else None)
    page.goto(server + "/login")
    page.wait_for_selector("input[autocomplete=username]")
    _shot(page, "console-login")
    page.fill("input[autocomplete=username]", "county_officer")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=陈静", timeout=15000)
    page.wait_for_selector(".el-tag >> text=县（区）综治中心", timeout=15000)
    page.wait_for_timeout(1200)  # let the welcome toast and transitions finish
    for area in ("辖区与网格", "事件办理", "人口管理"):
        assert page.locator(f"text={area}").count() >= 1, area
    _shot(page, "console-layout")
    page.goto(server + "/units")
    page.wait_for_selector("text=浦口区", timeout=15000)
    page.locator(".el-tree-node__content", has_text="浦口区").first.click()
    page.locator(".el-tabs__item", has_text="地图").first.click()
    page.wait_for_selector(".leaflet-interactive", timeout=15000)
    assert page.locator(".leaflet-interactive").count() >= 15  # the county and its townships
    page.wait_for_timeout(500)
    _shot(page, "console-unit-map")
    assert not requests_outside, f"the page loaded something from outside: {requests_outside[:3]}"
    page.close()


def test_mobile_login_lists_the_grid_workers_grids(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(server + "/m/")
    page.wait_for_selector("input[type=password]", timeout=15000)
    page.fill("input[autocomplete=username]", "grid_worker")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=冯墙社区第1网格", timeout=15000)
    assert page.locator("text=冯墙社区第2网格").count() >= 1
    _shot(page, "mobile-home")
    context.close()


def _totp_now(secret: str) -> str:
    import base64

    from django_otp.oath import totp

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(totp(key)).zfill(6)


def test_auditor_binds_totp_at_first_login_and_searches_the_log(server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page.goto(server + "/login")
    page.fill("input[autocomplete=username]", "auditor")
    page.fill("input[type=password]", "Zongzhi@2026")
    page.click("button[type=submit]")
    page.wait_for_selector(".zz-secret .zz-mono", timeout=15000)
    page.wait_for_selector(".zz-qr-svg svg")
    _shot(page, "console-otp-setup")
    secret = page.inner_text(".zz-secret .zz-mono").strip()
    page.fill("input[autocomplete=one-time-code]", _totp_now(secret))
    page.click("button[type=submit]")
    page.wait_for_selector("text=郑丽", timeout=15000)
    page.goto(server + "/audit")
    page.wait_for_selector("text=登录", timeout=15000)
    page.wait_for_timeout(800)
    assert page.locator(".el-table__row").count() >= 1
    _shot(page, "console-audit")
    page.close()
