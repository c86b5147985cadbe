"""Files the registry keeps in storage for a while that hold personal data: an import's rejected
rows, a comparison's report and its list of residents missing from the file, an approved export.

They are written sealed (`crypto.seal_file`, SM4-GCM under the data key) and opened only to be
handed to the user who may download them, so a copy of the storage (a backup, a misconfigured
bucket, a disk) gives no ID number away. The record and field a file belongs to are
authenticated with it: a file copied onto another record does not open.
"""

from __future__ import annotations

import array
import io
import logging
import sys

from django.core.files.base import File
from django.db.models.fields.files import FieldFile

from zongzhi.core import crypto
from zongzhi.core.errors import Conflict
from zongzhi.core.records import record_type

logger = logging.getLogger(__name__)

_XLSX = b"PK\x03\x04"


def context(stored: FieldFile) -> str:
    """What the file is bound to: the model, the record and the field."""
    return f"{record_type(stored.instance)}:{stored.instance.pk}:{stored.field.name}"


def save(stored: FieldFile, name: str, body: bytes) -> None:
    """Seal `body` and store it in `stored` (the record is saved by the caller)."""
    stored.save(name, File(io.BytesIO(crypto.seal_file(body, context(stored)))), save=False)


def read(stored: FieldFile, *, unsealed_ok: bool = True) -> bytes:
    """The plain content of a stored file. A workbook written before files were sealed is
    returned as it is (such files are deleted within their time, a week or a day), unless
    `unsealed_ok` is false: a comparison report of that time lists the registered people
    missing from the file, which now need an approved export."""
    with stored.open("rb") as fh:
        blob: bytes = fh.read()
    if crypto.is_sealed_file(blob):
        return crypto.unseal_file(blob, context(stored))
    if blob[: len(_XLSX)] == _XLSX and (stored.name or "").endswith(".xlsx"):
        if not unsealed_ok:
            raise Conflict("该文件由旧版本生成，已不再提供下载，请重新比对", code="old_file")
        logger.warning("served an unsealed file written before sealing: %s", stored.name)
        return blob
    raise crypto.SealError(f"{stored.name} is neither sealed nor a workbook.")


def save_ids(stored: FieldFile, name: str, ids: array.array[int]) -> None:
    """Store record ids, sealed, as 8-byte little-endian integers (the same on every machine)."""
    out = array.array("q", ids)
    if sys.byteorder == "big":
        out.byteswap()
    save(stored, name, out.tobytes())


def read_ids(stored: FieldFile) -> array.array[int]:
    with stored.open("rb") as fh:
        data = crypto.unseal_file(fh.read(), context(stored))
    ids = array.array("q")
    ids.frombytes(data)
    if sys.byteorder == "big":
        ids.byteswap()
    return ids
