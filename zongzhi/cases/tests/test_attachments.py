"""Photos and videos: checked by content, re-encoded without EXIF, position kept as data."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path: Any) -> Any:
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def _photo_with_gps() -> bytes:
    img = Image.new("RGB", (4000, 3000), "orange")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    r = IFDRational
    exif[0x8825] = {1: "N", 2: (r(32), r(3), r(0)), 3: "E", 4: (r(118), r(37), r(30))}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def _upload(api: Any, who: str, name: str, data: bytes, content_type: str = "image/jpeg") -> Any:
    client = api(who)
    return client.client.post(
        "/api/attachments",
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
        headers=client._headers(),
    )


def test_photo_is_reencoded_without_exif_and_position_is_kept(api: Any) -> None:
    r = _upload(api, "grid_worker", "现场.jpg", _photo_with_gps())
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["position"] == {"latitude": 32.05, "longitude": 118.625}
    assert max(body["width"], body["height"]) == 2560
    served = api("grid_worker").get(body["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert not image.getexif()  # no EXIF (and so no position) in the served file
    thumb = api("grid_worker").get(body["thumbnail_url"])
    assert max(Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size) == 320


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("假图片.jpg", b"this is a text file pretending", "file_type"),
        ("坏图片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "file_broken"),
        ("脚本.png", b"<script>alert(1)</script>", "file_type"),
    ],
)
def test_files_are_checked_by_content_not_by_name(api: Any, name: str, data: bytes, code: str) -> None:
    r = _upload(api, "grid_worker", name, data)
    assert r.status_code == 400 and r.json()["code"] == code and r.json()["message"]


def test_short_video_is_accepted_by_its_magic_bytes(api: Any) -> None:
    mp4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000
    r = _upload(api, "grid_worker", "clip.bin", mp4, "application/octet-stream")
    assert r.status_code == 201 and r.json()["kind"] == "video" and r.json()["content_type"] == "video/mp4"


def _report_with(api: Any, attachment_ids: list[int]) -> Any:
    occurred = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    body = {"kind": "event", "title": "王某某与黄某某的邻里纠纷", "category_code": "0102", "occurred_at": occurred}
    return api("grid_worker").post("/api/cases", {**body, "attachment_ids": attachment_ids})


def test_report_carries_photos_and_only_the_case_readers_see_them(api: Any) -> None:
    photo = _upload(api, "grid_worker", "现场.jpg", _photo_with_gps()).json()
    # nobody else can fetch an upload that is not attached yet
    assert api("village_officer").get(photo["url"]).status_code == 404
    r = _report_with(api, [photo["id"]])
    assert r.status_code == 201, r.json()
    case = api("grid_worker").get(f"/api/cases/{r.json()['case']['id']}").json()
    assert [a["id"] for a in case["attachments"]] == [photo["id"]]
    assert case["timeline"][0]["attachment_ids"] == [photo["id"]]
    assert api("village_officer").get(photo["url"]).status_code == 200
    assert api("township2_officer").get(photo["url"]).status_code == 404
    # an attachment is used once
    r = _report_with(api, [photo["id"]])
    assert r.status_code == 400 and r.json()["code"] == "attachment_invalid"
