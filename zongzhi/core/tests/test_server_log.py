"""The server's log as `make run` starts it: one time zone (+0800) on every line, Django's and
gunicorn's alike, and no control socket in the home folder."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from zongzhi.core.logs import LocalTimeFormatter

ROOT = Path(__file__).resolve().parents[3]
STAMP = re.compile(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d|\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d) ([+-]\d{4})\]")


def test_django_log_lines_are_stamped_in_beijing_time() -> None:
    fmt = settings.LOGGING["formatters"]["plain"]["format"]
    record = logging.LogRecord("zongzhi.test", logging.WARNING, __file__, 1, "出错了", None, None)
    record.created = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC
    line = LocalTimeFormatter(fmt).format(record)
    assert line.startswith("[2026-05-29 04:26:40 +0800] [") and line.endswith("[WARNING] zongzhi.test: 出错了")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_gunicorn_lines_share_one_zone_and_no_control_socket(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        {
            "TZ": "UTC",  # the machine's own zone differs from the system's
            "HOME": str(tmp_path),
            "ZONGZHI_DATA_DIR": str(tmp_path / "var"),
            "ZONGZHI_INPROCESS_SCHEDULER": "0",
            "DJANGO_SETTINGS_MODULE": "zongzhi.settings",
        }
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    args = ["-c", "python:zongzhi.gunicorn_config", "zongzhi.wsgi", "--bind", f"127.0.0.1:{port}"]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(gunicorn), *args, "--workers", "1", "--access-logfile", "-"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            with contextlib.suppress(OSError):  # 404: Django logs a warning
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/no-such-thing", timeout=5)
            time.sleep(0.5)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    text = log.read_text(encoding="utf-8")
    zones = STAMP.findall(text)
    assert len(zones) >= 4, text  # master start, worker boot, access lines, Django's warning
    assert {zone for _t, zone in zones} == {"+0800"}, text
    assert "Not Found: /api/no-such-thing" in text
    assert not (tmp_path / ".gunicorn").exists()
